package org.cbinfer.kernels.cuda;

import static org.bytedeco.cuda.global.nvml.NVML_SUCCESS;
import static org.bytedeco.cuda.global.nvml.nvmlDeviceGetHandleByIndex_v2;
import static org.bytedeco.cuda.global.nvml.nvmlDeviceGetPowerUsage;
import static org.bytedeco.cuda.global.nvml.nvmlDeviceGetTotalEnergyConsumption;
import static org.bytedeco.cuda.global.nvml.nvmlErrorString;
import static org.bytedeco.cuda.global.nvml.nvmlInit_v2;
import static org.bytedeco.cuda.global.nvml.nvmlShutdown;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.cuda.global.nvml;
import org.bytedeco.cuda.nvml.nvmlDevice_st;
import org.bytedeco.javacpp.LongPointer;

/**
 * The energy a GPU draws, read through NVML: its total-energy counter (millijoules since the driver loaded) for
 * what a piece of work cost, and a power log (one reading every interval, from a daemon thread) with named
 * markers for a power-over-time picture. The counter covers the whole board, idle power included, and whatever
 * else runs on it: measure windows of a second or more, with nothing else on the GPU.
 *
 * <pre>{@code
 * try (GpuPowerMeter meter = GpuPowerMeter.open(0, Duration.ofMillis(20))) {
 *     meter.mark("dense batch 8");
 *     long before = meter.energyMillijoules();
 *     ... run frames ...
 *     double joulesPerFrame = (meter.energyMillijoules() - before) / 1000.0 / frames;
 * }
 * }</pre>
 */
public final class GpuPowerMeter implements AutoCloseable {
    /** One power reading: nanoseconds on {@link System#nanoTime()}'s clock, watts. */
    public record Sample(long nanos, double watts) {}

    /** A named point in time on the same clock. */
    public record Marker(long nanos, String label) {}

    private final nvmlDevice_st device = new nvmlDevice_st();
    private final List<Sample> samples = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private GpuPowerMeter(int index, Duration interval) {
        check(nvmlInit_v2(), "nvmlInit");
        try {
            check(nvmlDeviceGetHandleByIndex_v2(index, device), "nvmlDeviceGetHandleByIndex(" + index + ")");
            energyMillijoules();  // fails here, not in a later measurement, where the GPU has no energy counter
        } catch (RuntimeException e) {
            nvmlShutdown();
            throw e;
        }
        long every = interval.toNanos();
        sampler = new Thread(() -> {
            int[] milliwatts = new int[1];
            while (running) {
                if (nvmlDeviceGetPowerUsage(device, milliwatts) == NVML_SUCCESS) {
                    synchronized (samples) {
                        samples.add(new Sample(System.nanoTime(), milliwatts[0] / 1000.0));
                    }
                }
                try {
                    Thread.sleep(every / 1_000_000, (int) (every % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gpu-power-" + index);
        sampler.setDaemon(true);
        sampler.start();
    }

    /**
     * Starts logging GPU {@code index}'s power every {@code interval}.
     *
     * @throws IllegalStateException where NVML cannot be loaded (the message says which library was missing and
     *     where the linker looked) or the GPU reports no energy counter (before Volta)
     */
    public static GpuPowerMeter open(int index, Duration interval) {
        String missing = NativeLibraries.load(nvml.class, "NVML (libnvidia-ml.so.1, part of the NVIDIA driver)");
        if (missing != null) throw new IllegalStateException(missing);
        return new GpuPowerMeter(index, interval);
    }

    /** The board's energy counter now, in millijoules. */
    public long energyMillijoules() {
        try (LongPointer mj = new LongPointer(1)) {
            check(nvmlDeviceGetTotalEnergyConsumption(device, mj), "nvmlDeviceGetTotalEnergyConsumption");
            return mj.get();
        }
    }

    /** Records a marker at the current time. */
    public void mark(String label) {
        synchronized (markers) {
            markers.add(new Marker(System.nanoTime(), label));
        }
    }

    /** The power readings so far, oldest first. */
    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** The markers so far, oldest first. */
    public List<Marker> markers() {
        synchronized (markers) {
            return List.copyOf(markers);
        }
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        nvmlShutdown();
    }

    private static void check(int status, String what) {
        if (status != NVML_SUCCESS) {
            throw new IllegalStateException(what + " failed: " + nvmlErrorString(status).getString() + " (NVML " + status + ")");
        }
    }
}
