package org.ghm4j.backend.java.kernel;

/** Work on one fixed chunk; chunks are independent and write only their own slots. */
@FunctionalInterface
public interface ChunkBody {
    void run(int chunk);
}
