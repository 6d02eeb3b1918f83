/**
 * GHM as DL4J loss functions ({@link org.nd4j.linalg.lossfunctions.ILossFunction}):
 * {@link org.ghm4j.backend.nd4j.dl4j.LossGhmc} (GHM-C, sigmoid),
 * {@link org.ghm4j.backend.nd4j.dl4j.LossGhmCategorical} (softmax, seed or harmonized) and
 * {@link org.ghm4j.backend.nd4j.dl4j.LossGhmr} (GHM-R), for {@code OutputLayer}, {@code LossLayer}
 * and {@code CnnLossLayer}.
 *
 * <pre>{@code
 * .layer(new OutputLayer.Builder().lossFunction(new LossGhmc(GhmcConfig.mmdetection()))
 *         .activation(Activation.SIGMOID).nIn(256).nOut(80).build())
 * .layer(new CnnLossLayer.Builder().lossFunction(new LossGhmCategorical())
 *         .activation(Activation.SOFTMAX).build())
 * }</pre>
 *
 * <p>The EMA state advances once per training iteration (in the gradient call) and never when
 * scoring; it is saved in the network's JSON configuration, so {@code ModelSerializer} round trips
 * continue bit-identically. These classes need only nd4j-api at run time (deeplearning4j-nn is an
 * optional dependency of this artifact). See {@link org.ghm4j.backend.nd4j.dl4j.GhmLossFunction}.
 *
 * <p>The adapters share one ND4J backend with one kernel thread per available processor; set the
 * system property {@code ghm.nd4j.threads} (a positive integer, e.g. {@code -Dghm.nd4j.threads=2})
 * for another count. A value that is not a positive integer is refused (GHM-CONFIG-INVALID) when the
 * first adapter computes.
 */
package org.ghm4j.backend.nd4j.dl4j;
