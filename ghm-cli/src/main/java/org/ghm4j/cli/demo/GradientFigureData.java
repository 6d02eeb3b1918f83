package org.ghm4j.cli.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ghm4j.detection.Chunks;
import org.ghm4j.detection.anchor.AnchorGrid;
import org.ghm4j.detection.target.DetectionTargets;
import org.ghm4j.detection.target.ImageTargets;

/**
 * The numbers behind the demo's figure (the GHM paper's Figure 1, for one batch): the valid
 * classification elements (anchor x class with label weight > 0) binned by their gradient norm
 * g = |sigmoid(x) - t| into GHM-C's M bins (GHM-1.2: float32 edges k / M, last edge
 * float32(1 + 1e-6); g in float64 from the float32 logit, D-3), and per bin:
 * <ul>
 *   <li>{@link #counts()} R_k, the number of elements;</li>
 *   <li>{@link #meanWeight()}: the mean harmonizing weight beta that GHM-C applied to the bin's
 *       elements, measured as beta_i = dL_ghmc/dx_i / dL_bce/dx_i (BCE is GHM-C with every beta = 1
 *       and the same tot per call, so the ratio is exactly the applied beta);</li>
 *   <li>{@link #contribution(String)}: sum over the bin's elements of |dL/dx_i| under each loss given
 *       (the gradient the bin sends back to the network).</li>
 * </ul>
 * Elements with label weight 0 are left out; every loss gives them gradient 0, so the contributions
 * of all bins add up to the sum of |dL/dx| over the whole head output ({@link #totalContribution}).
 * Sums are made per chunk and combined in chunk order: the result does not depend on the thread count.
 */
public final class GradientFigureData {
    static final int CHUNK = 2048;

    private final double[] edges;
    private final long[] counts;
    private final double[] meanWeight;
    private final Map<String, double[]> contributions;

    private GradientFigureData(double[] edges, long[] counts, double[] meanWeight,
                               Map<String, double[]> contributions) {
        this.edges = edges;
        this.counts = counts;
        this.meanWeight = meanWeight;
        this.contributions = contributions;
    }

    /**
     * Bins one step.
     *
     * @param targets   the batch's targets (labels and label weights). Not modified.
     * @param logits    [image][level] flat [numAnchors(l) * K] head logits. Not modified.
     * @param bins      M, as GHM-C's config
     * @param gradients loss name -> d loss / d logits in the logits' layout, in legend order (insertion
     *                  order kept). Not modified.
     * @param ghmc      key of the GHM-C gradient in {@code gradients} (for the weights), or null
     * @param bce       key of the BCE gradient in {@code gradients} (for the weights), or null
     */
    public static GradientFigureData of(DetectionTargets targets, float[][][] logits, int bins,
                                        Map<String, float[][][]> gradients, String ghmc, String bce) {
        double[] edges = edges(bins);
        List<String> names = new ArrayList<>(gradients.keySet());
        int losses = names.size();
        int ghmcIndex = ghmc == null ? -1 : names.indexOf(ghmc);
        int bceIndex = bce == null ? -1 : names.indexOf(bce);
        AnchorGrid grid = targets.grid();
        int k = targets.numClasses();
        long[] counts = new long[bins];
        double[] weightSum = new double[bins];
        long[] weightCount = new long[bins];
        double[][] contrib = new double[losses][bins];
        for (int i = 0; i < targets.numImages(); i++) {
            ImageTargets t = targets.image(i);
            for (int l = 0; l < grid.numLevels(); l++) {
                int n = grid.numAnchors(l);
                int start = grid.levelStart(l);
                float[] x = logits[i][l];
                float[][] grads = new float[losses][];
                for (int q = 0; q < losses; q++) {
                    grads[q] = gradients.get(names.get(q))[i][l];
                }
                int chunks = Chunks.count(n, CHUNK);
                long[][] cCounts = new long[chunks][bins];
                double[][] cWeight = new double[chunks][bins];
                long[][] cWeightCount = new long[chunks][bins];
                double[][][] cContrib = new double[chunks][losses][bins];
                Chunks.run(chunks, c -> {
                    int to = Math.min(n, (c + 1) * CHUNK);
                    for (int a = c * CHUNK; a < to; a++) {
                        if (!(t.labelWeights()[start + a] > 0)) {
                            continue;
                        }
                        int label = t.labels()[start + a];
                        for (int j = 0; j < k; j++) {
                            int e = a * k + j;
                            double p = sigmoid(x[e]);
                            double g = Math.abs(p - (label == j ? 1.0 : 0.0));
                            int b = bin(g, edges);
                            cCounts[c][b]++;
                            for (int q = 0; q < losses; q++) {
                                cContrib[c][q][b] += Math.abs((double) grads[q][e]);
                            }
                            if (ghmcIndex >= 0 && bceIndex >= 0 && grads[bceIndex][e] != 0f) {
                                cWeight[c][b] += (double) grads[ghmcIndex][e] / grads[bceIndex][e];
                                cWeightCount[c][b]++;
                            }
                        }
                    }
                });
                for (int c = 0; c < chunks; c++) {
                    for (int b = 0; b < bins; b++) {
                        counts[b] += cCounts[c][b];
                        weightSum[b] += cWeight[c][b];
                        weightCount[b] += cWeightCount[c][b];
                        for (int q = 0; q < losses; q++) {
                            contrib[q][b] += cContrib[c][q][b];
                        }
                    }
                }
            }
        }
        double[] mean = new double[bins];
        for (int b = 0; b < bins; b++) {
            mean[b] = weightCount[b] > 0 ? weightSum[b] / weightCount[b] : 0;
        }
        Map<String, double[]> byName = new LinkedHashMap<>();
        for (int q = 0; q < losses; q++) {
            byName.put(names.get(q), contrib[q]);
        }
        return new GradientFigureData(edges, counts, mean, Collections.unmodifiableMap(byName));
    }

    /** GHM-1.2's edges for GHM-C, widened to float64: float32(k) / float32(M), last float32(1 + 1e-6). */
    static double[] edges(int bins) {
        double[] e = new double[bins + 1];
        for (int k = 0; k < bins; k++) {
            e[k] = (float) k / (float) bins;
        }
        e[bins] = 1.0f + 1e-6f;
        return e;
    }

    /** The bin k with e_k <= g < e_{k+1}; g in [0, 1]. */
    static int bin(double g, double[] edges) {
        int m = edges.length - 1;
        int b = Math.min((int) (g * m), m - 1);
        while (b > 0 && g < edges[b]) {
            b--;
        }
        while (b < m - 1 && g >= edges[b + 1]) {
            b++;
        }
        return b;
    }

    private static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** M. */
    public int bins() {
        return counts.length;
    }

    /** [M + 1] bin edges (a copy). */
    public double[] edges() {
        return edges.clone();
    }

    /** Centre of bin k, (e_k + e_{k+1}) / 2 (the top edge taken as 1). */
    public double center(int k) {
        return (edges[k] + Math.min(edges[k + 1], 1.0)) / 2;
    }

    /** R_k per bin over the batch (a copy). */
    public long[] counts() {
        return counts.clone();
    }

    /** Valid elements, sum of R_k. */
    public long total() {
        long s = 0;
        for (long c : counts) {
            s += c;
        }
        return s;
    }

    /** Mean GHM-C weight beta per bin, 0 for an empty bin (a copy). */
    public double[] meanWeight() {
        return meanWeight.clone();
    }

    /** Loss names, in the order given. */
    public List<String> losses() {
        return List.copyOf(contributions.keySet());
    }

    /** Sum of |dL/dx| per bin under {@code loss} (a copy). */
    public double[] contribution(String loss) {
        double[] c = contributions.get(loss);
        if (c == null) {
            throw new IllegalArgumentException("no loss named '" + loss + "' in the figure data; have " + losses());
        }
        return c.clone();
    }

    /** Sum over the bins of {@link #contribution(String)}. */
    public double totalContribution(String loss) {
        double s = 0;
        for (double v : contributions.get(loss)) {
            s += v;
        }
        return s;
    }

    /** Share of {@code loss}'s total gradient in the bins whose upper edge is <= {@code gBelow}. */
    public double shareBelow(String loss, double gBelow) {
        double[] c = contributions.get(loss);
        double part = 0;
        for (int k = 0; k < c.length; k++) {
            if (edges[k + 1] <= gBelow + 1e-6) {
                part += c[k];
            }
        }
        return part / totalContribution(loss);
    }

    /** Share of {@code loss}'s total gradient in the bins whose lower edge is >= {@code gFrom}. */
    public double shareFrom(String loss, double gFrom) {
        double[] c = contributions.get(loss);
        double part = 0;
        for (int k = 0; k < c.length; k++) {
            if (edges[k] >= gFrom - 1e-6) {
                part += c[k];
            }
        }
        return part / totalContribution(loss);
    }
}
