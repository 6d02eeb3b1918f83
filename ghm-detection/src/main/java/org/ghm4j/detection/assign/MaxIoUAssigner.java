package org.ghm4j.detection.assign;

import java.util.Arrays;
import org.ghm4j.detection.Chunks;
import org.ghm4j.detection.anchor.AnchorGrid;

/**
 * mmdetection's {@code MaxIoUAssigner} over flat float32 arrays, for one image:
 * <ol>
 *   <li>every inside anchor starts ignored;</li>
 *   <li>an anchor whose max IoU over the gts is in [negIouMin, negIouThr) becomes negative;</li>
 *   <li>an anchor whose max IoU is >= posIouThr becomes positive, matched to the lowest gt index of
 *       that max;</li>
 *   <li>(low-quality matches) for gt i = 0, 1, ... in order, when its best IoU over the inside anchors
 *       is >= minPosIou, every inside anchor whose IoU with gt i equals that best IoU exactly becomes
 *       positive and matched to gt i (a later gt overwrites an earlier one).</li>
 * </ol>
 * IoU = inter / max(area_gt + area_anchor - inter, eps), computed in float32 in mmdetection's order
 * (BboxOverlaps2D), so that exact ties are the same ties as mmdetection's.
 *
 * <p>Nothing of size G x N is stored. On an {@link AnchorGrid} each gt visits only the anchors of
 * the grid cells that can overlap it (per level, the rows and columns its widest base anchor reaches,
 * plus one cell); every other anchor has IoU exactly 0 with it. Pass 1 takes the gts in order (max,
 * first argmax, best IoU per gt), steps 2-3 are one linear pass, step 4 recomputes the IoUs in the
 * windows (the same float32 operations give the same values). On plain arrays every anchor meets every
 * gt, in chunks of {@value #CHUNK} anchors on the common pool. Either way the result does not depend
 * on the thread count. Thread-safe and stateless.
 */
public final class MaxIoUAssigner {
    static final int CHUNK = 8192;

    private final AssignerConfig config;
    private final float posThr;
    private final float negMin;
    private final float negThr;
    private final float minPos;
    private final float eps;

    public MaxIoUAssigner(AssignerConfig config) {
        this.config = config;
        this.posThr = (float) config.posIouThr();
        this.negMin = (float) config.negIouMin();
        this.negThr = (float) config.negIouThr();
        this.minPos = (float) config.minPosIou();
        this.eps = (float) config.iouEps();
    }

    public AssignerConfig config() {
        return config;
    }

    /**
     * Assigns the anchors of {@code grid} for one image.
     *
     * @param grid    the batch's anchors. Not modified.
     * @param inside  [N] 1 = inside anchor (takes part), 0 = invalid. Not modified.
     * @param gtBoxes [G * 4] x1, y1, x2, y2 (checked by the caller: finite, x2 > x1, y2 > y1). Not modified.
     */
    public AssignResult assign(AnchorGrid grid, byte[] inside, float[] gtBoxes) {
        int numGt = gtBoxes.length / 4;
        int n = grid.totalAnchors();
        if (numGt == 0) {
            return assign(grid.x1(), grid.y1(), grid.x2(), grid.y2(), grid.area(), inside, gtBoxes);
        }
        float[] x1 = grid.x1();
        float[] y1 = grid.y1();
        float[] x2 = grid.x2();
        float[] y2 = grid.y2();
        float[] area = grid.area();
        int[] assigned = new int[n];
        float[] maxIou = new float[n];
        int[] argmax = new int[n];
        float[] gtMax = new float[numGt];
        boolean anyInside = false;
        for (int j = 0; j < n && !anyInside; j++) {
            anyInside = inside[j] != 0;
        }
        int[][][] windows = new int[numGt][][];
        // Pass 1, gts in order: only the anchors of a gt's window can overlap it; every other anchor
        // has IoU exactly 0 with it, which is what maxIou = 0, argmax = 0 (first gt) already say.
        for (int g = 0; g < numGt; g++) {
            float bx1 = gtBoxes[4 * g];
            float by1 = gtBoxes[4 * g + 1];
            float bx2 = gtBoxes[4 * g + 2];
            float by2 = gtBoxes[4 * g + 3];
            float ba = (bx2 - bx1) * (by2 - by1);
            windows[g] = windows(grid, bx1, by1, bx2, by2);
            float best = -1f;
            for (int[] w : windows[g]) {
                for (int j = w[0]; j < w[1]; j++) {
                    float v = iou(x1[j], y1[j], x2[j], y2[j], area[j], bx1, by1, bx2, by2, ba, eps);
                    if (v > maxIou[j]) {
                        maxIou[j] = v;
                        argmax[j] = g;
                    }
                    if (v > best && inside[j] != 0) {
                        best = v;
                    }
                }
            }
            gtMax[g] = Math.max(best, anyInside ? 0f : -1f);
        }
        for (int g = 0; g < numGt; g++) {
            gtMax[g] = Math.max(gtMax[g], 0f);
        }
        int chunks = Chunks.count(n, CHUNK);
        Chunks.run(chunks, c -> {
            int from = c * CHUNK;
            int to = Math.min(n, from + CHUNK);
            for (int j = from; j < to; j++) {
                if (inside[j] == 0) {
                    assigned[j] = AssignResult.INVALID;
                    maxIou[j] = 0f;
                    argmax[j] = -1;
                    continue;
                }
                float m = maxIou[j];
                int code = AssignResult.IGNORED;
                if (m >= negMin && m < negThr) {
                    code = AssignResult.NEGATIVE;
                }
                if (m >= posThr) {
                    code = argmax[j];
                }
                assigned[j] = code;
            }
        });
        if (config.matchLowQuality() && anyInside) {
            for (int g = 0; g < numGt; g++) {
                if (!(gtMax[g] >= minPos)) {
                    continue;
                }
                float bx1 = gtBoxes[4 * g];
                float by1 = gtBoxes[4 * g + 1];
                float bx2 = gtBoxes[4 * g + 2];
                float by2 = gtBoxes[4 * g + 3];
                float ba = (bx2 - bx1) * (by2 - by1);
                float target = gtMax[g];
                boolean all = config.gtMaxAssignAll();
                if (target == 0f) {
                    // mmdetection's quirk: a gt that overlaps no inside anchor ties with every anchor at IoU 0
                    for (int j = 0; j < n; j++) {
                        if (inside[j] != 0
                                && iou(x1[j], y1[j], x2[j], y2[j], area[j], bx1, by1, bx2, by2, ba, eps) == 0f) {
                            assigned[j] = g;
                            if (!all) {
                                break;
                            }
                        }
                    }
                    continue;
                }
                int first = Integer.MAX_VALUE;
                for (int[] w : windows[g]) {
                    for (int j = w[0]; j < w[1]; j++) {
                        if (inside[j] != 0
                                && iou(x1[j], y1[j], x2[j], y2[j], area[j], bx1, by1, bx2, by2, ba, eps) == target) {
                            if (all) {
                                assigned[j] = g;
                            } else {
                                first = Math.min(first, j);
                            }
                        }
                    }
                }
                if (!all && first != Integer.MAX_VALUE) {
                    assigned[first] = g;
                }
            }
        }
        return new AssignResult(assigned, maxIou, argmax, gtMax);
    }

    /**
     * Index ranges [from, to) of the anchors that can overlap the box: per level, the rows and columns
     * of locations whose widest base anchor reaches it, widened by one cell for rounding.
     */
    private static int[][] windows(AnchorGrid grid, float bx1, float by1, float bx2, float by2) {
        int numBase = grid.numBaseAnchors();
        java.util.List<int[]> out = new java.util.ArrayList<>();
        for (int l = 0; l < grid.numLevels(); l++) {
            int start = grid.levelStart(l);
            int fh = grid.featmapSize(l)[0];
            int fw = grid.featmapSize(l)[1];
            double s = grid.config().stride(l);
            float minX1 = Float.MAX_VALUE;
            float minY1 = Float.MAX_VALUE;
            float maxX2 = -Float.MAX_VALUE;
            float maxY2 = -Float.MAX_VALUE;
            for (int a = 0; a < numBase; a++) {
                minX1 = Math.min(minX1, grid.x1()[start + a]);
                minY1 = Math.min(minY1, grid.y1()[start + a]);
                maxX2 = Math.max(maxX2, grid.x2()[start + a]);
                maxY2 = Math.max(maxY2, grid.y2()[start + a]);
            }
            int xLo = (int) Math.max(0, Math.floor((bx1 - maxX2) / s) - 1);
            int xHi = (int) Math.min(fw - 1, Math.ceil((bx2 - minX1) / s) + 1);
            int yLo = (int) Math.max(0, Math.floor((by1 - maxY2) / s) - 1);
            int yHi = (int) Math.min(fh - 1, Math.ceil((by2 - minY1) / s) + 1);
            for (int y = yLo; y <= yHi && xLo <= xHi; y++) {
                out.add(new int[] {start + (y * fw + xLo) * numBase, start + (y * fw + xHi + 1) * numBase});
            }
        }
        return out.toArray(new int[0][]);
    }

    /**
     * Assigns anchors given as structure-of-arrays (each [N]; {@code area} = float32 (x2-x1)*(y2-y1)).
     * None of the arrays is modified.
     */
    public AssignResult assign(float[] x1, float[] y1, float[] x2, float[] y2, float[] area, byte[] inside,
                               float[] gtBoxes) {
        int n = x1.length;
        int numGt = gtBoxes.length / 4;
        int[] assigned = new int[n];
        float[] maxIou = new float[n];
        int[] argmax = new int[n];
        float[] gtMax = new float[numGt];
        Arrays.fill(argmax, -1);
        if (numGt == 0) {
            for (int j = 0; j < n; j++) {
                assigned[j] = inside[j] != 0 ? AssignResult.NEGATIVE : AssignResult.INVALID;
            }
            return new AssignResult(assigned, maxIou, argmax, gtMax);
        }
        float[] gx1 = new float[numGt];
        float[] gy1 = new float[numGt];
        float[] gx2 = new float[numGt];
        float[] gy2 = new float[numGt];
        float[] garea = new float[numGt];
        for (int g = 0; g < numGt; g++) {
            gx1[g] = gtBoxes[4 * g];
            gy1[g] = gtBoxes[4 * g + 1];
            gx2[g] = gtBoxes[4 * g + 2];
            gy2[g] = gtBoxes[4 * g + 3];
            garea[g] = (gx2[g] - gx1[g]) * (gy2[g] - gy1[g]);
        }
        int chunks = Chunks.count(n, CHUNK);
        float[][] chunkGtMax = new float[chunks][];
        // Pass 1: per anchor max IoU and first argmax; per chunk per gt best IoU over inside anchors.
        Chunks.run(chunks, c -> {
            int from = c * CHUNK;
            int to = Math.min(n, from + CHUNK);
            float[] local = new float[numGt];
            Arrays.fill(maxIou, from, to, -1f);
            for (int g = 0; g < numGt; g++) {
                float bx1 = gx1[g];
                float by1 = gy1[g];
                float bx2 = gx2[g];
                float by2 = gy2[g];
                float ba = garea[g];
                float best = -1f;
                for (int j = from; j < to; j++) {
                    float v = iou(x1[j], y1[j], x2[j], y2[j], area[j], bx1, by1, bx2, by2, ba, eps);
                    if (v > maxIou[j]) {
                        maxIou[j] = v;
                        argmax[j] = g;
                    }
                    if (v > best && inside[j] != 0) {
                        best = v;
                    }
                }
                local[g] = best;
            }
            chunkGtMax[c] = local;
        });
        boolean anyInside = false;
        Arrays.fill(gtMax, -1f);
        for (float[] local : chunkGtMax) {
            for (int g = 0; g < numGt; g++) {
                gtMax[g] = Math.max(gtMax[g], local[g]);
            }
        }
        for (int g = 0; g < numGt; g++) {
            if (gtMax[g] >= 0) {
                anyInside = true;
            } else {
                gtMax[g] = 0f;
            }
        }
        boolean[] lowQualityGt = new boolean[numGt];
        boolean anyLowQuality = false;
        for (int g = 0; g < numGt; g++) {
            lowQualityGt[g] = config.matchLowQuality() && anyInside && gtMax[g] >= minPos;
            anyLowQuality |= lowQualityGt[g];
        }
        boolean lowQuality = anyLowQuality;
        // Steps 1-3, then step 4 with recomputed IoUs.
        Chunks.run(chunks, c -> {
            int from = c * CHUNK;
            int to = Math.min(n, from + CHUNK);
            for (int j = from; j < to; j++) {
                if (inside[j] == 0) {
                    assigned[j] = AssignResult.INVALID;
                    maxIou[j] = 0f;
                    argmax[j] = -1;
                    continue;
                }
                float m = maxIou[j];
                int code = AssignResult.IGNORED;
                if (m >= negMin && m < negThr) {
                    code = AssignResult.NEGATIVE;
                }
                if (m >= posThr) {
                    code = argmax[j];
                }
                assigned[j] = code;
            }
            if (lowQuality) {
                for (int g = 0; g < numGt; g++) {
                    if (!lowQualityGt[g]) {
                        continue;
                    }
                    float bx1 = gx1[g];
                    float by1 = gy1[g];
                    float bx2 = gx2[g];
                    float by2 = gy2[g];
                    float ba = garea[g];
                    float target = gtMax[g];
                    if (config.gtMaxAssignAll()) {
                        for (int j = from; j < to; j++) {
                            if (inside[j] != 0
                                    && iou(x1[j], y1[j], x2[j], y2[j], area[j], bx1, by1, bx2, by2, ba, eps) == target) {
                                assigned[j] = g;
                            }
                        }
                    }
                }
            }
        });
        if (lowQuality && !config.gtMaxAssignAll()) {
            // Only the first anchor (lowest index) reaching each gt's best IoU, gts in order.
            for (int g = 0; g < numGt; g++) {
                if (!lowQualityGt[g]) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    if (inside[j] != 0 && iou(x1[j], y1[j], x2[j], y2[j], area[j], gx1[g], gy1[g], gx2[g], gy2[g],
                            garea[g], eps) == gtMax[g]) {
                        assigned[j] = g;
                        break;
                    }
                }
            }
        }
        return new AssignResult(assigned, maxIou, argmax, gtMax);
    }

    /**
     * IoU of an anchor and a gt box in float32, in BboxOverlaps2D's order of operations:
     * w = max(min(x2) - max(x1), 0), h likewise, inter = w * h,
     * union = max((area_gt + area_anchor) - inter, eps), iou = inter / union.
     */
    public static float iou(float ax1, float ay1, float ax2, float ay2, float aArea,
                            float gx1, float gy1, float gx2, float gy2, float gArea, float eps) {
        float w = Math.max(Math.min(ax2, gx2) - Math.max(ax1, gx1), 0f);
        float h = Math.max(Math.min(ay2, gy2) - Math.max(ay1, gy1), 0f);
        float inter = w * h;
        float union = Math.max((gArea + aArea) - inter, eps);
        return inter / union;
    }
}
