package org.ghm4j.backend.nd4j;

import java.util.concurrent.ConcurrentLinkedQueue;

import org.ghm4j.api.GradientDensityEstimator;
import org.ghm4j.api.StateUpdate;
import org.ghm4j.api.config.DensityMode;
import org.ghm4j.api.config.EstimatorConfig;
import org.ghm4j.api.config.TotRule;
import org.ghm4j.api.error.InputErrors;
import org.ghm4j.api.state.BinStats;
import org.ghm4j.api.state.EmaDensity;
import org.ghm4j.api.state.EmaBacked;
import org.ghm4j.api.tensor.Tensor;
import org.ghm4j.backend.java.kernel.Workers;

/**
 * The standalone density estimator (GHM-1) on native memory: bins the given g by the float32 edges
 * (GHM-1.2), counts the valid elements per bin in fixed chunks, applies the EMA once
 * ({@link EmaDensity}) and writes per element beta = tot / S_bin / n (HARMONIZED, 0 when invalid)
 * or 1 / D_bin (SEED, 1 when invalid). g outside [0, last edge) is refused (D-8).
 */
final class Nd4jEstimator implements GradientDensityEstimator, EmaBacked {
    private final Workers workers;
    private final EstimatorConfig config;
    private final EmaDensity density;
    private final double[] edges;
    private final int bins;
    private final ConcurrentLinkedQueue<Scratch> scratches = new ConcurrentLinkedQueue<>();

    Nd4jEstimator(Workers workers, EstimatorConfig config) {
        this.workers = workers;
        this.config = config;
        this.density = new EmaDensity(config);
        this.edges = Kernels.edges(config.edges().toArray());
        this.bins = config.bins();
    }

    @Override
    public EstimatorConfig config() {
        return config;
    }

    @Override
    public void estimate(Tensor gradNorms, Tensor labelWeight, Tensor weightsOut, BinStats stats, StateUpdate update) {
        int[] shape = gradNorms.shape();
        if (!java.util.Arrays.equals(weightsOut.shape(), shape)) {
            throw InputErrors.shape("weightsOut", weightsOut.shape(), "gradNorms", shape, "they must be equal (GHM-6.2)");
        }
        boolean rowWeights = false;
        if (labelWeight != null) {
            int[] w = labelWeight.shape();
            rowWeights = w.length == 1 && shape.length > 1 && w[0] == shape[0];
            if (!rowWeights && !java.util.Arrays.equals(w, shape)) {
                throw InputErrors.shape("labelWeight", w, "gradNorms", shape,
                        "labelWeight must have the shape of gradNorms or [" + (shape.length > 0 ? shape[0] : 0) + "] (GHM-6.2)");
            }
        }
        Scratch s = scratches.poll();
        if (s == null) {
            s = new Scratch();
        }
        try {
            estimate(gradNorms, labelWeight, rowWeights, weightsOut, stats, update == StateUpdate.COMMIT, s);
        } finally {
            scratches.offer(s);
        }
    }

    private void estimate(Tensor gT, Tensor wT, boolean rowWeights, Tensor outT, BinStats stats, boolean commit,
                          Scratch s) {
        int[] shape = gT.shape();
        int n = gT.length();
        int rows = shape.length == 0 ? 1 : shape[0];
        int perRow = rows == 0 ? 0 : n / rows;
        int chunks = Chunks.count(n, Chunks.SIZE);
        s.prepare(n, chunks, bins);
        Vec g = s.read(gT, Scratch.PRED);
        Vec w = wT == null ? null : s.read(wT, Scratch.WEIGHT);
        Kernels.Check weightCheck = new Kernels.Check("labelWeight", wT == null ? shape : wT.shape(), "[0, +inf)",
                "label weights are >= 0, D-7");
        Vec out = s.write(outT, Scratch.OUT_WEIGHTS);
        boolean rw = rowWeights;
        workers.run(chunks, c -> count(s, c, n, g, w, rw, perRow));
        double top = edges[bins];
        Kernels.throwFirstBad(s, chunks, new Kernels.Check[] {
            new Kernels.Check("gradNorms", shape, "[0, " + (float) top + ")", "D-8"), weightCheck
        });
        long[] counts = s.counts;
        s.combine(chunks, bins, counts, s.lossSums);
        double weightSum = 0.0;
        for (int c = 0; c < chunks; c++) {
            weightSum += s.chunkExtra[c * 4];
        }
        long valid = 0;
        for (long r : counts) {
            valid += r;
        }
        double tot = config.totRule() == TotRule.WEIGHT_SUM
                ? (w == null ? n : weightSum) : (double) valid;
        double[] binValue = s.binValue;
        density.apply(counts, tot, commit, binValue, stats);
        boolean seed = config.mode() == DensityMode.SEED;
        workers.run(chunks, c -> {
            int lo = c * Chunks.SIZE;
            int hi = Math.min(n, lo + Chunks.SIZE);
            short[] binOf = s.bins;
            for (int i = lo; i < hi; i++) {
                int k = binOf[i];
                if (seed) {
                    out.set(i, k < 0 ? 1.0 : 1.0 / binValue[k]);
                } else {
                    out.set(i, k < 0 ? 0.0 : binValue[k]);
                }
            }
        });
        s.flush(outT, Scratch.OUT_WEIGHTS);
    }

    private void count(Scratch s, int c, int n, Vec g, Vec w, boolean rowWeights, int perRow) {
        int lo = c * Chunks.SIZE;
        int hi = Math.min(n, lo + Chunks.SIZE);
        short[] binOf = s.bins;
        long[] counts = s.chunkCounts;
        int base = c * Scratch.LANES * bins;
        double top = edges[bins];
        double wsum = 0.0;
        int nextRow = lo;
        double v = 1.0;
        for (int i = lo; i < hi; i++) {
            if (w != null && !rowWeights) {
                v = w.get(i);
            } else if (w != null && i == nextRow) {
                int row = i / perRow;
                v = w.get(row);
                if (!(v >= 0.0 && v <= Double.MAX_VALUE)) {
                    Kernels.bad(s, c, 1, row, v);
                    return;
                }
                nextRow = (row + 1) * perRow;
            }
            double x = g.get(i);
            if (!(x >= 0.0 && x < top)) {
                Kernels.bad(s, c, 0, i, x);
                return;
            }
            if (!rowWeights && w != null && !(v >= 0.0 && v <= Double.MAX_VALUE)) {
                Kernels.bad(s, c, 1, i, v);
                return;
            }
            wsum += v;
            if (!(v > 0.0)) {
                binOf[i] = -1;
                continue;
            }
            int k = Kernels.bin(x, edges, bins);
            binOf[i] = (short) k;
            counts[base + (i & (Scratch.LANES - 1)) * bins + k]++;
        }
        s.chunkExtra[c * 4] = wsum;
    }

    @Override
    public EmaDensity density() {
        return density;
    }

    @Override
    public String toString() {
        return "Nd4jEstimator[" + config + "]";
    }
}
