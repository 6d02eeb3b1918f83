package org.ghm4j.backend.java.kernel;

/**
 * Growable work arrays of one call, kept between calls so that a steady-state call allocates
 * nothing (one per concurrent call: the losses keep one idle set and make another for a second
 * concurrent caller).
 */
public final class Scratch {
    private final float[][] floats = new float[8][];
    private short[] shorts = new short[0];
    private long[] longs = new long[0];
    private double[] doubles = new double[0];
    private double[] doubles2 = new double[0];
    private double[] doubles3 = new double[0];
    private double[] doubles4 = new double[0];
    private int[] ints = new int[0];
    private int[] ints2 = new int[0];
    private byte[] bytes = new byte[0];

    /** Float array number {@code slot} (0..7) with at least {@code n} elements; contents unspecified. */
    public float[] floats(int slot, int n) {
        float[] a = floats[slot];
        if (a == null || a.length < n) {
            a = new float[n];
            floats[slot] = a;
        }
        return a;
    }

    public short[] shorts(int n) {
        if (shorts.length < n) {
            shorts = new short[n];
        }
        return shorts;
    }

    public long[] longs(int n) {
        if (longs.length < n) {
            longs = new long[n];
        }
        return longs;
    }

    public double[] doubles(int n) {
        if (doubles.length < n) {
            doubles = new double[n];
        }
        return doubles;
    }

    public double[] doubles2(int n) {
        if (doubles2.length < n) {
            doubles2 = new double[n];
        }
        return doubles2;
    }

    public double[] doubles3(int n) {
        if (doubles3.length < n) {
            doubles3 = new double[n];
        }
        return doubles3;
    }

    public double[] doubles4(int n) {
        if (doubles4.length < n) {
            doubles4 = new double[n];
        }
        return doubles4;
    }

    public int[] ints(int n) {
        if (ints.length < n) {
            ints = new int[n];
        }
        return ints;
    }

    public int[] ints2(int n) {
        if (ints2.length < n) {
            ints2 = new int[n];
        }
        return ints2;
    }

    public byte[] bytes(int n) {
        if (bytes.length < n) {
            bytes = new byte[n];
        }
        return bytes;
    }
}
