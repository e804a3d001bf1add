package org.et4j.backends.xnnpack.nativebridge;

import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.backends.xnnpack.XnnNativeBridge;
import org.et4j.runtime.delegate.BackendInitContext;
import org.et4j.runtime.delegate.DelegateHandle;

/**
 * The {@link XnnNativeBridge} et4j's XNNPACK backend finds with {@link java.util.ServiceLoader}:
 * locates the native library from the load options or system properties, checks it once, and
 * compiles each delegate into a {@link NativeXnnRuntime}.
 *
 * <p>Where the library is, first match wins: the load option {@value #PATH_OPTION} or system
 * property {@code et4j.}{@value #PATH_OPTION} (the library file or its directory); else the load
 * option {@value #VENV_OPTION} or system property {@code et4j.}{@value #VENV_OPTION} (a Python
 * environment with the ExecuTorch wheel installed, whose {@code executorch/lib} is used).
 *
 * <p>Threads: the program's {@code LoadOptions.threads()}, else {@code -Det4j.threads}, else the
 * processor count; XNNPACK runs them on a pthreadpool from {@code libexecutorch_threadpool.so}.
 */
public final class NativeXnnpackBridge implements XnnNativeBridge {
  /** Load option: the native library, or the directory holding it. */
  public static final String PATH_OPTION = "xnnpack.native.path";
  /** Load option: a Python environment whose {@code executorch/lib} holds the native library. */
  public static final String VENV_OPTION = "xnnpack.native.venv";

  /** Public for {@link java.util.ServiceLoader}. */
  public NativeXnnpackBridge() {}

  @Override
  public void checkAvailable(BackendInitContext context) {
    library(context);
  }

  @Override
  public DelegateHandle compile(XnnGraph graph, BackendInitContext context) {
    return NativeXnnDefiner.compile(library(context), graph, threads(context), false);
  }

  static XnnLibrary library(BackendInitContext context) {
    return XnnLibrary.load(XnnLibrary.locate(setting(context, PATH_OPTION), setting(context, VENV_OPTION)));
  }

  static int threads(BackendInitContext context) {
    int n = context == null ? 0 : context.threads();
    return n > 0 ? n : Integer.getInteger("et4j.threads", Runtime.getRuntime().availableProcessors());
  }

  private static String setting(BackendInitContext context, String key) {
    String v = context == null ? null : context.option(key);
    return v != null ? v : System.getProperty("et4j." + key);
  }
}
