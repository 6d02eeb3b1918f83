package org.ghm4j.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.GhmBackend;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.bench.Workload;
import org.ghm4j.core.Ghm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Forward + backward (loss and gradient into a reused output) of the {@link Workload}s on every
 * backend. Run from the CLI class path, e.g. with the allocation profiler:
 * {@code java -cp "$(cat ghm-cli/target/ghm.classpath)" org.openjdk.jmh.Main LossBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "--add-modules", "jdk.incubator.vector"})
public class LossBenchmark {

    @Param({"java", "nd4j"})
    public String backend;

    @Param({"ghmc", "ghmr", "categorical"})
    public String loss;

    /** 0: the workload's default (8,000,000 for ghmc and categorical, 400,000 for ghmr). */
    @Param({"0"})
    public int elements;

    @Param({"0"})
    public int threads;

    private GhmBackend ghmBackend;
    private HarmonizedLoss harmonizedLoss;
    private LossInput input;
    private LossOutput output;

    @Setup(Level.Trial)
    public void setUp() {
        Workload w = Workload.of(loss);
        int n = elements > 0 ? elements : w == Workload.GHMR ? 400_000 : 8_000_000;
        ghmBackend = Ghm.registry().newBackend(backend, new BackendOptions(threads));
        harmonizedLoss = ghmBackend.loss(w.config());
        LossInput heap = w.batch(n, 42L);
        input = LossInput.of(ghmBackend.adopt(heap.pred()), ghmBackend.adopt(heap.target()),
                ghmBackend.adopt(heap.labelWeight()));
        output = new LossOutput();
        harmonizedLoss.compute(input, output);
    }

    @Benchmark
    public double forwardBackward() {
        return harmonizedLoss.compute(input, output);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ghmBackend.close();
    }
}
