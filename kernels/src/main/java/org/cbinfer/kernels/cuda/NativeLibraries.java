package org.cbinfer.kernels.cuda;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Loader;

/**
 * Loads JavaCPP's CUDA presets (JNI wrappers only: the machine provides NVIDIA's libraries) and says, when one
 * cannot be loaded, which library the dynamic linker did not find and where it looked - the message a user needs
 * to fix {@code LD_LIBRARY_PATH}.
 */
final class NativeLibraries {
    private static final Pattern MISSING = Pattern.compile("([\\w.+-]+\\.so[.\\d]*): cannot open shared object file");

    private NativeLibraries() {}

    /**
     * Loads a preset class ({@code org.bytedeco.cuda.global.cudart}, {@code cudnn}, ...).
     *
     * @param what the libraries it stands for, for the message (e.g. "cuDNN 9 (libcudnn.so.9)")
     * @return null when loaded, else why not
     */
    static String load(Class<?> preset, String what) {
        try {
            Loader.load(preset);
            return null;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            return what + " could not be loaded: " + explain(e);
        }
    }

    /** The missing library and the search path, or the deepest cause's message when no library is named. */
    static String explain(Throwable e) {
        Throwable deepest = e;
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            deepest = t;
            if (t.getMessage() != null) all.append(t.getMessage()).append('\n');
        }
        Matcher m = MISSING.matcher(all);
        String path = System.getenv("LD_LIBRARY_PATH");
        String where = "LD_LIBRARY_PATH=" + (path == null || path.isBlank() ? "(unset)" : path)
                + " and the system's library cache (ldconfig)";
        if (m.find()) return m.group(1) + " was not found on " + where;
        return deepest.getMessage() + " (searched " + where + ")";
    }
}
