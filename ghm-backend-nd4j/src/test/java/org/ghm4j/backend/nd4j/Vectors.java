package org.ghm4j.backend.nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads the conformance vectors copied into src/test/resources/vectors (schema_version 1). */
final class Vectors {
    static final String[] FILES = {
        "ghmc/c01_1x1_two_steps_m075.json", "ghmc/c04_7x3_m075.json", "ghmc/c06_7x3_mask_zeros_m075.json",
        "ghmc/c08_7x3_all_invalid_m0.json", "ghmc/c14_extreme_logits.json", "ghmc/c16_zero_logits_edge_half.json",
        "ghmc/c17_seq4_7x3_m075.json",
        "ghmr/r01_1x1.json", "ghmr/r03_7x4_random.json", "ghmr/r06_7x4_rows_ignored.json", "ghmr/r12_seq4_m075.json",
        "ghmr/r17_retinanet_ghm_config.json",
        "seed/s01_hand_2x2_two_steps.json", "seed/s03_7x3_m075.json", "seed/s05_invalid_rows.json",
        "seed/s11_seq4_7x3_m075.json"
    };

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Vectors() {
    }

    static JsonNode load(String file) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /vectors/" + file);
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /vectors/" + file, e);
        }
    }

    static double num(JsonNode n) {
        if (n.isTextual()) {
            return Double.parseDouble(n.asText());
        }
        return n.asDouble();
    }

    /** Flattens a nested array of numbers, row-major. */
    static double[] flat(JsonNode n) {
        List<Double> out = new ArrayList<>();
        flatten(n, out);
        double[] a = new double[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    private static void flatten(JsonNode n, List<Double> out) {
        if (n.isArray()) {
            for (JsonNode c : n) {
                flatten(c, out);
            }
        } else {
            out.add(num(n));
        }
    }

    static float[] floats(JsonNode n) {
        double[] d = flat(n);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    static long[] longs(JsonNode n) {
        double[] d = flat(n);
        long[] l = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            l[i] = (long) d[i];
        }
        return l;
    }
}
