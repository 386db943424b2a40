package org.cbinfer.kernels.cuda;

import static org.cbinfer.kernels.cuda.Cuda.check;

import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * One GPU of the process: its primary context (shared by every backend and stream of the process that uses
 * this GPU, so several Flink subtasks on one GPU share one context) and the project's kernel module loaded
 * into it. Obtained with {@link #get(int)}; never closed (the driver releases it at process exit).
 */
public final class CudaDevice {
    private static final Map<Integer, CudaDevice> DEVICES = new HashMap<>();

    private final int index;
    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final Map<String, Integer> optedIn = new HashMap<>();
    private final String name;
    private final int multiprocessors;
    private final int computeCapability;

    private CudaDevice(int index) {
        Cuda.requireAvailable();
        int count = Cuda.deviceCount();
        if (index >= count) throw new CudaException("CUDA device " + index + " requested, " + count + " present");
        this.index = index;
        CUdevice dev = new CUdevice();
        check(JCudaDriver.cuDeviceGet(dev, index), "cuDeviceGet(" + index + ")");
        check(JCudaDriver.cuDevicePrimaryCtxRetain(context, dev), "cuDevicePrimaryCtxRetain");
        check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        byte[] nameBytes = new byte[256];
        check(JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, dev), "cuDeviceGetName");
        String n = new String(nameBytes, java.nio.charset.StandardCharsets.US_ASCII);
        this.name = n.substring(0, Math.max(0, n.indexOf(0) < 0 ? n.length() : n.indexOf(0)));
        this.multiprocessors = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        this.computeCapability = 10 * attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
                + attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        if (computeCapability < 80) {
            throw new CudaException("CUDA device " + index + " (" + name + ") has compute capability "
                    + computeCapability / 10 + "." + computeCapability % 10 + "; the kernels need 8.0 or newer");
        }
        check(JCudaDriver.cuModuleLoadData(module, Cuda.fatbin()), "cuModuleLoadData(cbinfer.fatbin)");
    }

    private static int attribute(CUdevice dev, int attribute) {
        int[] v = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(v, attribute, dev), "cuDeviceGetAttribute(" + attribute + ")");
        return v[0];
    }

    /** The device with this index, its context made current on the calling thread. */
    public static CudaDevice get(int index) {
        CudaDevice d;
        synchronized (DEVICES) {
            d = DEVICES.get(index);
            if (d == null) {
                d = new CudaDevice(index);
                DEVICES.put(index, d);
            }
        }
        d.makeCurrent();
        return d;
    }

    /** Binds this device's context to the calling thread (Flink may call from different threads). */
    public void makeCurrent() {
        check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    synchronized CUfunction function(String name) {
        return functions.computeIfAbsent(name, n -> {
            CUfunction f = new CUfunction();
            check(JCudaDriver.cuModuleGetFunction(f, module, n), "cuModuleGetFunction(" + n + ")");
            return f;
        });
    }

    /**
     * A kernel that takes {@code sharedBytes} of dynamic shared memory; above the default 48 KiB a kernel must
     * opt in, once, before its first launch (and so before any graph capture that holds it).
     */
    synchronized CUfunction function(String name, int sharedBytes) {
        CUfunction f = function(name);
        if (sharedBytes > 48 * 1024 && optedIn.getOrDefault(name, 0) < sharedBytes) {
            check(JCudaDriver.cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                    sharedBytes), "cuFuncSetAttribute(" + name + ", " + sharedBytes + " bytes of shared memory)");
            optedIn.put(name, sharedBytes);
        }
        return f;
    }

    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    public int multiprocessors() {
        return multiprocessors;
    }

    @Override
    public String toString() {
        return "cuda:" + index + " (" + name + ", sm_" + computeCapability + ", " + multiprocessors + " SMs)";
    }
}
