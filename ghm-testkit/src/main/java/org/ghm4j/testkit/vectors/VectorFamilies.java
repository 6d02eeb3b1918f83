package org.ghm4j.testkit.vectors;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** The {@link VectorFamily} services on the class path, by function name. */
public final class VectorFamilies {
    private final Map<String, VectorFamily> byFunction = new LinkedHashMap<>();

    private VectorFamilies() {
    }

    /** Loads every family with {@link ServiceLoader} (the testkit's own and those of other modules). */
    public static VectorFamilies load() {
        VectorFamilies f = new VectorFamilies();
        for (VectorFamily family : ServiceLoader.load(VectorFamily.class, VectorFamily.class.getClassLoader())) {
            for (String fn : family.functions()) {
                f.byFunction.putIfAbsent(fn, family);
            }
        }
        return f;
    }

    /** The family of {@code function}; an unknown function is an error (shared/conformance-vectors/README.md). */
    public VectorFamily forFunction(String function, String source) {
        VectorFamily family = byFunction.get(function);
        if (family == null) {
            throw new AssertionError("GHM-9.4 vector file " + source + " has function '" + function
                    + "', which no VectorFamily on the class path runs (known: " + new TreeSet<>(byFunction.keySet())
                    + "); add the module that provides it");
        }
        return family;
    }
}
