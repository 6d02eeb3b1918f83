package org.ghm4j.cli.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training curves as PNG (XChart, headless): per run the score per iteration, smoothed by a centred
 * moving average over a twentieth of the run, on a log scale, one series per run.
 */
public final class CurvePlot {
    private CurvePlot() {
    }

    /** Writes the curves of {@code runs} to {@code file} (parent directories created). */
    public static Path write(List<TrainResult> runs, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(520)
                .title("ghm4j detector training (score = classification + box loss)")
                .xAxisTitle("iteration").yAxisTitle("training loss (moving average)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(0);
        for (TrainResult r : runs) {
            double[] y = smooth(r.losses(), Math.max(1, r.losses().length / 20));
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            XYSeries s = chart.addSeries(r.loss().id() + String.format(java.util.Locale.ROOT,
                    " (mAP@0.5 %.3f, AP %.3f)", r.map50(), r.ap()), x, y);
            s.setMarker(SeriesMarkers.NONE);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** Centred moving average with window 2h+1 (shorter at the ends). */
    static double[] smooth(double[] v, int h) {
        double[] prefix = new double[v.length + 1];
        for (int i = 0; i < v.length; i++) {
            prefix[i + 1] = prefix[i] + v[i];
        }
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            int lo = Math.max(0, i - h);
            int hi = Math.min(v.length, i + h + 1);
            out[i] = (prefix[hi] - prefix[lo]) / (hi - lo);
        }
        return out;
    }
}
