package org.ghm4j.backend.nd4j;

import org.ghm4j.backend.java.kernel.MathKernels;

/**
 * The arrays of one block ({@link MathKernels#BLOCK} elements) of the GHM-C logit kernel besides
 * {@link MathKernels#blockBuffers()}: float32 inputs copied out of native memory, and outputs staged
 * in float64 before they are copied back. One set per thread, not per call, so that they stay in L1
 * and a steady-state call allocates nothing.
 */
final class BlockBuffers {
    private static final ThreadLocal<BlockBuffers> LOCAL = ThreadLocal.withInitial(BlockBuffers::new);

    final float[] pred = new float[MathKernels.BLOCK];
    final float[] target = new float[MathKernels.BLOCK];
    final double[] targetWide = new double[MathKernels.BLOCK];
    final float[] weight = new float[MathKernels.BLOCK];
    /** The row weights of the rows a block touches (at most one per element). */
    final float[] rowWeight = new float[MathKernels.BLOCK];
    /** Block indices of the elements left to the element path. */
    final int[] deferred = new int[MathKernels.BLOCK];
    /** dl/dx per element (0 for invalid elements). */
    final double[] grad = new double[MathKernels.BLOCK];
    /** l per element (0 for invalid elements). */
    final double[] loss = new double[MathKernels.BLOCK];
    /** Staging of a float32 output block. */
    final float[] narrow = new float[MathKernels.BLOCK];

    private BlockBuffers() {
    }

    /** The calling thread's buffers. */
    static BlockBuffers get() {
        return LOCAL.get();
    }
}
