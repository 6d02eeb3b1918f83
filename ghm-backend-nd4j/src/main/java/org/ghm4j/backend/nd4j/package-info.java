/**
 * The ND4J backend of ghm4j: GHM-C, categorical GHM-C, GHM-R and the density estimator on
 * {@link org.nd4j.linalg.api.ndarray.INDArray} data, registered as {@code nd4j} (priority 20).
 *
 * <pre>{@code
 * GhmBackend nd4j = new Nd4jBackendProvider().create(BackendOptions.defaults());
 * HarmonizedLoss ghmc = nd4j.loss(GhmcConfig.mmdetection());
 * LossOutput out = new LossOutput();                           // reuse: buffers are kept
 * double loss = ghmc.compute(LossInput.of(Nd4jTensor.of(logits), Nd4jTensor.of(targets),
 *         Nd4jTensor.of(labelWeights)), out);
 * INDArray dLdLogits = ((Nd4jTensor) out.gradient()).array();   // native, reused next call
 * }</pre>
 *
 * <p>How it computes: the kernels read and write the arrays' native memory in place through NIO
 * views (no copy to the Java heap), fusing checks, g, binning, counts and per-bin loss sums into
 * one pass over fixed 64k-element chunks and the weighting into a second; bins are the float32
 * edges of GHM-1.2 compared in float64 (D-3), so counts are exact; chunk results are combined in
 * chunk order, so results do not depend on the thread count (DETERMINISTIC). ND4J's own histogram
 * ops are not used: they bin differently at the edges and are much slower.
 *
 * <p>Float32 arrays give float32 outputs, float64 arrays float64 outputs. Arithmetic is in float64,
 * except, with the Vector API module, the loss and gradient of GHM-C from float32 logits and of GHM-R
 * from float32 deltas with a reduced loss (float32 lanes, D-19; bins and counts stay exact). Views and
 * f-order arrays are copied into native scratch; heap and direct tensors are copied into reused native
 * arrays.
 *
 * <p>The DL4J loss functions are in {@link org.ghm4j.backend.nd4j.dl4j}.
 */
package org.ghm4j.backend.nd4j;
