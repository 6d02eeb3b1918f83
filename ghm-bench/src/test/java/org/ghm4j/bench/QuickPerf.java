package org.ghm4j.bench;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.ghm4j.api.BackendOptions;
import org.ghm4j.api.HarmonizedLoss;
import org.ghm4j.api.loss.LossInput;
import org.ghm4j.api.loss.LossOutput;
import org.ghm4j.backend.java.JavaBackend;
public class QuickPerf {
    public static void main(String[] a) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (JavaBackend b = new JavaBackend(new BackendOptions(1))) {
            for (Workload w : Workload.values()) {
                if (a.length > 0 && !w.id().equals(a[0])) continue;
                int n = w == Workload.GHMR ? 400_000 : 8_000_000;
                LossInput in = w.batch(n, 42);
                HarmonizedLoss loss = b.loss(w.config());
                LossOutput out = new LossOutput();
                for (int i = 0; i < 8; i++) loss.compute(in, out);
                long best = Long.MAX_VALUE;
                for (int i = 0; i < 10; i++) { long t0 = mx.getCurrentThreadCpuTime(); loss.compute(in, out); best = Math.min(best, mx.getCurrentThreadCpuTime() - t0); }
                System.out.printf("%s cpu-ns/element %.2f (loss %.6f)%n", w.id(), best / (double) in.pred().length(), out.loss());
            }
        }
    }
}
