package org.cbinfer.kernels.cuda;

import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;
import static org.bytedeco.cuda.global.cudart.cuCtxSetCurrent;
import static org.bytedeco.cuda.global.cudart.cuDeviceGet;
import static org.bytedeco.cuda.global.cudart.cuDeviceGetAttribute;
import static org.bytedeco.cuda.global.cudart.cuDeviceGetName;
import static org.bytedeco.cuda.global.cudart.cuDevicePrimaryCtxRetain;
import static org.bytedeco.cuda.global.cudart.cuModuleGetFunction;
import static org.bytedeco.cuda.global.cudart.cuModuleLoadData;
import static org.cbinfer.kernels.cuda.Cuda.check;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.javacpp.BytePointer;

/**
 * One GPU of the process: its primary context (the one the CUDA runtime, cuDNN and cuBLAS use too, and shared by
 * every backend of the process on this GPU, so several Flink subtasks on one GPU share one context) and the
 * project's kernel module loaded into it. Obtained with {@link #get(int)}; never closed (the driver releases it at
 * process exit).
 */
public final class CudaDevice {
    private static final Map<Integer, CudaDevice> DEVICES = new HashMap<>();

    private final int index;
    private final CUctx_st context = new CUctx_st();
    private final CUmod_st module = new CUmod_st();
    /** The module image: the driver reads it at load; kept so that its native copy lives as long as the module. */
    private final BytePointer image;
    private final Map<String, CUfunc_st> functions = new HashMap<>();
    private final String name;
    private final int multiprocessors;
    private final int computeCapability;

    private CudaDevice(int index) {
        Cuda.requireAvailable();
        int count = Cuda.deviceCount();
        if (index >= count) throw new CudaException("CUDA device " + index + " requested, " + count + " present");
        this.index = index;
        int[] dev = new int[1];
        check(cuDeviceGet(dev, index), "cuDeviceGet(" + index + ")");
        check(cuDevicePrimaryCtxRetain(context, dev[0]), "cuDevicePrimaryCtxRetain");
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
        byte[] nameBytes = new byte[256];
        check(cuDeviceGetName(nameBytes, nameBytes.length, dev[0]), "cuDeviceGetName");
        String n = new String(nameBytes, StandardCharsets.US_ASCII);
        this.name = n.indexOf(0) < 0 ? n : n.substring(0, n.indexOf(0));
        this.multiprocessors = attribute(dev[0], CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        this.computeCapability = 10 * attribute(dev[0], CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
                + attribute(dev[0], CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        if (computeCapability < 80) {
            throw new CudaException("CUDA device " + index + " (" + name + ") has compute capability "
                    + computeCapability / 10 + "." + computeCapability % 10 + "; the kernels need 8.0 or newer");
        }
        this.image = new BytePointer(Cuda.fatbin());
        check(cuModuleLoadData(module, image), "cuModuleLoadData(cbinfer.fatbin)");
    }

    private static int attribute(int dev, int attribute) {
        int[] v = new int[1];
        check(cuDeviceGetAttribute(v, attribute, dev), "cuDeviceGetAttribute(" + attribute + ")");
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
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    synchronized CUfunc_st function(String name) {
        return functions.computeIfAbsent(name, n -> {
            CUfunc_st f = new CUfunc_st();
            check(cuModuleGetFunction(f, module, n), "cuModuleGetFunction(" + n + ")");
            return f;
        });
    }

    CUctx_st context() {
        return context;
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
