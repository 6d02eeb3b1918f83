package org.ghm4j.cli.demo;

import de.erichseifert.vectorgraphics2d.Document;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws {@link GradientFigureData} in the spirit of Figure 1 of the GHM paper (Li, Liu, Wang, AAAI
 * 2019), three XChart panels side by side under a two-line heading that says what was run:
 * <ol>
 *   <li>the distribution of the gradient norm g: share of the valid elements per bin, log scale;</li>
 *   <li>the harmonizing weight GHM-C gave each bin (mean beta), log scale, with CE's constant 1;</li>
 *   <li>the gradient each bin sends back, sum of |dL/dx| as a share of the loss's total, per loss
 *       (CE, focal loss, GHM-C), log scale.</li>
 * </ol>
 * Written as PNG (always) and SVG (optional) from the same drawing code. Needs no display: the
 * caller sets {@code java.awt.headless=true} before AWT loads.
 */
public final class GradientFigure {
    static final int PANEL_WIDTH = 600;
    static final int PANEL_HEIGHT = 520;
    static final int HEADER = 64;

    private final List<XYChart> panels;
    private final String title;
    private final String subtitle;

    /**
     * @param data     the binned step
     * @param labels   display name per loss of {@code data} (same order as {@link GradientFigureData#losses()})
     * @param title    first heading line
     * @param subtitle second heading line (what was run)
     */
    public GradientFigure(GradientFigureData data, List<String> labels, String title, String subtitle) {
        this.title = title;
        this.subtitle = subtitle;
        this.panels = List.of(distribution(data), weights(data), contributions(data, labels));
    }

    public int width() {
        return PANEL_WIDTH * panels.size();
    }

    public int height() {
        return HEADER + PANEL_HEIGHT;
    }

    /** Writes the PNG to {@code file}. */
    public void writePng(Path file) throws IOException {
        BufferedImage image = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            paint(g);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    /** Writes the SVG to {@code file}. */
    public void writeSvg(Path file) throws IOException {
        VectorGraphics2D g = new VectorGraphics2D();
        paint(g);
        Document doc = new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, width(), height()));
        try (OutputStream out = Files.newOutputStream(file)) {
            doc.writeTo(out);
        }
    }

    private void paint(Graphics2D g) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width(), height());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, 16, 26);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(Color.DARK_GRAY);
        g.drawString(subtitle, 16, 50);
        for (int p = 0; p < panels.size(); p++) {
            AffineTransform saved = g.getTransform();
            g.translate(p * PANEL_WIDTH, HEADER);
            panels.get(p).paint(g, PANEL_WIDTH, PANEL_HEIGHT);
            g.setTransform(saved);
        }
    }

    private static XYChart base(String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title)
                .xAxisTitle("gradient norm g = |sigmoid(x) - t|").yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(1.0);
        chart.getStyler().setXAxisDecimalPattern("0.0");
        chart.getStyler().setYAxisDecimalPattern("0.#E0");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        chart.getStyler().setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        chart.getStyler().setMarkerSize(6);
        return chart;
    }

    private static XYChart distribution(GradientFigureData data) {
        XYChart chart = base("Gradient norm distribution", "share of valid elements");
        long[] counts = data.counts();
        double total = data.total();
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] > 0) {
                x.add(data.center(k));
                y.add(counts[k] / total);
            }
        }
        XYSeries s = chart.addSeries("elements per bin (" + String.format("%,d", data.total()) + " valid)", x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineColor(new Color(90, 90, 90));
        s.setMarkerColor(new Color(90, 90, 90));
        return chart;
    }

    private static XYChart weights(GradientFigureData data) {
        XYChart chart = base("Harmonizing weight per bin", "weight (mean beta in the bin)");
        double[] w = data.meanWeight();
        long[] counts = data.counts();
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int k = 0; k < w.length; k++) {
            if (counts[k] > 0 && w[k] > 0) {
                x.add(data.center(k));
                y.add(w[k]);
            }
        }
        XYSeries one = chart.addSeries("CE (every weight 1)", new double[] {0.0, 1.0}, new double[] {1.0, 1.0});
        one.setMarker(SeriesMarkers.NONE);
        one.setLineColor(Colors.CE);
        if (!x.isEmpty()) {
            XYSeries s = chart.addSeries("GHM-C beta = tot / (n S_k)", x, y);
            s.setMarker(SeriesMarkers.DIAMOND);
            s.setLineColor(Colors.GHMC);
            s.setMarkerColor(Colors.GHMC);
        }
        return chart;
    }

    private static XYChart contributions(GradientFigureData data, List<String> labels) {
        XYChart chart = base("Gradient contribution per bin", "share of the loss's total |dL/dx|");
        List<String> losses = data.losses();
        Color[] colors = {Colors.CE, Colors.FOCAL, Colors.GHMC, Color.GRAY};
        for (int q = 0; q < losses.size(); q++) {
            double[] c = data.contribution(losses.get(q));
            double total = data.totalContribution(losses.get(q));
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int k = 0; k < c.length; k++) {
                if (c[k] > 0) {
                    x.add(data.center(k));
                    y.add(c[k] / total);
                }
            }
            if (!x.isEmpty()) {
                XYSeries s = chart.addSeries(labels.get(q), x, y);
                s.setMarker(SeriesMarkers.CIRCLE);
                Color color = colors[Math.min(q, colors.length - 1)];
                s.setLineColor(color);
                s.setMarkerColor(color);
            }
        }
        return chart;
    }

    /** One colour per loss, the same in every panel. */
    private static final class Colors {
        static final Color CE = new Color(31, 119, 180);
        static final Color FOCAL = new Color(255, 127, 14);
        static final Color GHMC = new Color(44, 160, 44);

        private Colors() {
        }
    }
}
