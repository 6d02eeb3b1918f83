package org.ghm4j.detection.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ghm4j.detection.DetectionErrors;

/**
 * Accumulates detections and ground truth image by image and computes:
 * <ul>
 *   <li><b>mAP@0.5, VOC style</b> (mmdetection's {@code eval_map}, "area" mode): per class, detections
 *       of all images by descending score; a detection is a true positive when its best-IoU gt (first
 *       of equal IoUs) has IoU >= 0.5 and is not matched yet, otherwise a false positive; recall =
 *       TP / #gt, precision = TP / (TP + FP); AP = sum over recall steps of (r_{i+1} - r_i) times the
 *       precision envelope max_{j >= i+1} p_j (the area under the interpolated curve, not 11 points);</li>
 *   <li><b>AP@[0.5:0.95], COCO style</b> (pycocotools' {@code COCOeval}, bbox, all areas, maxDets 100):
 *       per image and class at most 100 detections by descending score, each matched to the unmatched
 *       gt of highest IoU >= t; per class and threshold t the precision envelope sampled at the 101
 *       recall points 0, 0.01, ..., 1 (0 past the highest recall); AP is the mean over classes with
 *       gts and the 10 thresholds.</li>
 * </ul>
 * IoU without +1, in float64. No crowd or difficult flags. Not thread-safe.
 */
public final class DetectionEvaluator {
    private static final int COCO_MAX_DETS = 100;
    private static final int THRESHOLDS = 10;

    private final int numClasses;
    private final List<Detections> dets = new ArrayList<>();
    private final List<float[]> gtBoxes = new ArrayList<>();
    private final List<int[]> gtLabels = new ArrayList<>();

    public DetectionEvaluator(int numClasses) {
        if (numClasses < 1) {
            throw DetectionErrors.input("numClasses must be >= 1, got " + numClasses);
        }
        this.numClasses = numClasses;
    }

    /**
     * Adds one image.
     *
     * @param detections the image's detections (labels in [0, K))
     * @param boxes      [G * 4] gt boxes. Not copied, not modified.
     * @param labels     [G] gt classes in [0, K). Not copied, not modified.
     */
    public void add(Detections detections, float[] boxes, int[] labels) {
        int image = dets.size();
        if (boxes.length != 4 * labels.length) {
            throw DetectionErrors.input("image " + image + ": gt boxes [" + boxes.length + "] do not fit "
                    + labels.length + " labels");
        }
        for (int g = 0; g < labels.length; g++) {
            if (labels[g] < 0 || labels[g] >= numClasses) {
                throw DetectionErrors.input("image " + image + " gt_labels[" + g + "] = " + labels[g] + " is outside [0, "
                        + numClasses + ")");
            }
        }
        for (int d = 0; d < detections.size(); d++) {
            if (detections.labels()[d] < 0 || detections.labels()[d] >= numClasses) {
                throw DetectionErrors.input("image " + image + " detection " + d + " has label " + detections.labels()[d]
                        + " outside [0, " + numClasses + ")");
            }
        }
        dets.add(detections);
        gtBoxes.add(boxes);
        gtLabels.add(labels);
    }

    public int numImages() {
        return dets.size();
    }

    public EvalResult evaluate() {
        double[] thresholds = new double[THRESHOLDS];
        for (int t = 0; t < THRESHOLDS; t++) {
            // numpy.linspace(0.5, 0.95, 10): i * ((stop - start) / 9) + start, the last one exactly stop
            thresholds[t] = t == THRESHOLDS - 1 ? 0.95 : t * ((0.95 - 0.5) / (THRESHOLDS - 1)) + 0.5;
        }
        double[] recThrs = new double[101];
        for (int r = 0; r < 101; r++) {
            recThrs[r] = r == 100 ? 1.0 : r * 0.01;
        }
        double[] voc = new double[numClasses];
        double[] coco = new double[numClasses];
        double[][] cocoT = new double[numClasses][];
        int[] numGts = new int[numClasses];
        for (int c = 0; c < numClasses; c++) {
            numGts[c] = countGts(c);
            if (numGts[c] == 0) {
                voc[c] = Double.NaN;
                coco[c] = Double.NaN;
                continue;
            }
            voc[c] = vocAp(c, numGts[c]);
            cocoT[c] = new double[THRESHOLDS];
            double sum = 0;
            for (int t = 0; t < THRESHOLDS; t++) {
                cocoT[c][t] = cocoAp(c, numGts[c], thresholds[t], recThrs);
                sum += cocoT[c][t];
            }
            coco[c] = sum / THRESHOLDS;
        }
        double map = 0;
        double ap = 0;
        double ap50 = 0;
        double ap75 = 0;
        int used = 0;
        for (int c = 0; c < numClasses; c++) {
            if (numGts[c] > 0) {
                map += voc[c];
                ap += coco[c];
                ap50 += cocoT[c][0];
                ap75 += cocoT[c][5];
                used++;
            }
        }
        if (used == 0) {
            return new EvalResult(0, voc, 0, 0, 0, coco, numGts);
        }
        return new EvalResult(map / used, voc, ap / used, ap50 / used, ap75 / used, coco, numGts);
    }

    private int countGts(int c) {
        int n = 0;
        for (int[] labels : gtLabels) {
            for (int l : labels) {
                n += l == c ? 1 : 0;
            }
        }
        return n;
    }

    /** Indices of class c's detections of image i by descending score (stable), at most max. */
    private int[] classDets(int i, int c, int max) {
        Detections d = dets.get(i);
        int n = 0;
        int[] idx = new int[d.size()];
        for (int j = 0; j < d.size(); j++) {
            if (d.labels()[j] == c) {
                idx[n++] = j;
            }
        }
        float[] s = new float[n];
        for (int j = 0; j < n; j++) {
            s[j] = d.scores()[idx[j]];
        }
        int[] order = Nms.sortedByScore(s);
        int k = Math.min(max, n);
        int[] out = new int[k];
        for (int j = 0; j < k; j++) {
            out[j] = idx[order[j]];
        }
        return out;
    }

    private int[] classGts(int i, int c) {
        int[] labels = gtLabels.get(i);
        int n = 0;
        int[] out = new int[labels.length];
        for (int g = 0; g < labels.length; g++) {
            if (labels[g] == c) {
                out[n++] = g;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private double vocAp(int c, int numGt) {
        List<double[]> scored = new ArrayList<>();
        for (int i = 0; i < dets.size(); i++) {
            int[] di = classDets(i, c, Integer.MAX_VALUE);
            int[] gi = classGts(i, c);
            boolean[] covered = new boolean[gi.length];
            Detections d = dets.get(i);
            for (int j : di) {
                double best = -1;
                int arg = -1;
                for (int g = 0; g < gi.length; g++) {
                    double v = Nms.iou(d.boxes(), j, gtBoxes.get(i), gi[g]);
                    if (v > best) {
                        best = v;
                        arg = g;
                    }
                }
                boolean tp = false;
                if (arg >= 0 && best >= 0.5 && !covered[arg]) {
                    covered[arg] = true;
                    tp = true;
                }
                scored.add(new double[] {d.scores()[j], tp ? 1 : 0});
            }
        }
        return areaAp(sortedFlags(scored), numGt);
    }

    private double cocoAp(int c, int numGt, double threshold, double[] recThrs) {
        List<double[]> scored = new ArrayList<>();
        for (int i = 0; i < dets.size(); i++) {
            int[] di = classDets(i, c, COCO_MAX_DETS);
            int[] gi = classGts(i, c);
            boolean[] matched = new boolean[gi.length];
            Detections d = dets.get(i);
            for (int j : di) {
                double iou = Math.min(threshold, 1 - 1e-10);
                int m = -1;
                for (int g = 0; g < gi.length; g++) {
                    if (matched[g]) {
                        continue;
                    }
                    double v = Nms.iou(d.boxes(), j, gtBoxes.get(i), gi[g]);
                    if (v < iou) {
                        continue;
                    }
                    iou = v;
                    m = g;
                }
                if (m >= 0) {
                    matched[m] = true;
                }
                scored.add(new double[] {d.scores()[j], m >= 0 ? 1 : 0});
            }
        }
        boolean[] tp = sortedFlags(scored);
        int nd = tp.length;
        double[] rc = new double[nd];
        double[] pr = new double[nd];
        double tps = 0;
        double fps = 0;
        for (int k = 0; k < nd; k++) {
            tps += tp[k] ? 1 : 0;
            fps += tp[k] ? 0 : 1;
            rc[k] = tps / numGt;
            pr[k] = tps / (tps + fps + Math.ulp(1.0));
        }
        for (int k = nd - 1; k > 0; k--) {
            pr[k - 1] = Math.max(pr[k - 1], pr[k]);
        }
        double sum = 0;
        for (double r : recThrs) {
            int pos = lowerBound(rc, r);
            sum += pos < nd ? pr[pos] : 0;
        }
        return sum / recThrs.length;
    }

    /** The tp flags of (score, flag) pairs by descending score, stable. */
    private static boolean[] sortedFlags(List<double[]> scored) {
        float[] s = new float[scored.size()];
        for (int k = 0; k < s.length; k++) {
            s[k] = (float) scored.get(k)[0];
        }
        int[] order = Nms.sortedByScore(s);
        boolean[] out = new boolean[s.length];
        for (int k = 0; k < s.length; k++) {
            out[k] = scored.get(order[k])[1] > 0;
        }
        return out;
    }

    /** VOC "area" AP of tp flags sorted by score. */
    static double areaAp(boolean[] tp, int numGt) {
        int nd = tp.length;
        double[] mrec = new double[nd + 2];
        double[] mpre = new double[nd + 2];
        double tps = 0;
        double fps = 0;
        for (int k = 0; k < nd; k++) {
            tps += tp[k] ? 1 : 0;
            fps += tp[k] ? 0 : 1;
            mrec[k + 1] = tps / numGt;
            mpre[k + 1] = tps / Math.max(tps + fps, Math.ulp(1f));
        }
        mrec[nd + 1] = 1;
        mpre[nd + 1] = 0;
        for (int k = nd; k > 0; k--) {
            mpre[k - 1] = Math.max(mpre[k - 1], mpre[k]);
        }
        double ap = 0;
        for (int k = 0; k < nd + 1; k++) {
            if (mrec[k + 1] != mrec[k]) {
                ap += (mrec[k + 1] - mrec[k]) * mpre[k + 1];
            }
        }
        return ap;
    }

    private static int lowerBound(double[] sorted, double key) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
