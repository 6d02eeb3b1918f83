package org.ghm4j.cli.train;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training curves as one PNG (XChart, headless): one panel per run, stacked, each with the score per
 * iteration (light) and its centred moving average over a twentieth of the run. One panel per run
 * because the losses have different scales (GHM's weights, focal's down-weighting).
 */
public final class CurvePlot {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 300;

    private CurvePlot() {
    }

    /** Writes the curves of {@code runs} to {@code file} (parent directories created). */
    public static Path write(List<TrainResult> runs, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage all = new BufferedImage(WIDTH, HEIGHT * runs.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        for (int i = 0; i < runs.size(); i++) {
            g.drawImage(BitmapEncoder.getBufferedImage(chart(runs.get(i))), 0, i * HEIGHT, null);
        }
        g.dispose();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(all, "png", file.toFile());
        return file;
    }

    private static XYChart chart(TrainResult r) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(String.format(Locale.ROOT, "%s: %d iterations, validation mAP@0.5 %.3f, AP %.3f",
                        r.loss().id(), r.iterations(), r.map50(), r.ap()))
                .xAxisTitle("iteration").yAxisTitle("training score").build();
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setLegendVisible(true);
        double[] x = new double[r.losses().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        XYSeries raw = chart.addSeries("score", x, r.losses());
        raw.setMarker(SeriesMarkers.NONE);
        raw.setLineColor(new Color(170, 190, 230));
        XYSeries avg = chart.addSeries("moving average", x, smooth(r.losses(), Math.max(1, r.losses().length / 40)));
        avg.setMarker(SeriesMarkers.NONE);
        avg.setLineColor(new Color(20, 60, 160));
        return chart;
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
