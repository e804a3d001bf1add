package org.et4j.backends.xnnpack;

import org.et4j.runtime.delegate.BackendInitContext;
import org.et4j.runtime.delegate.DelegateHandle;

/**
 * A way to run a decoded XNNPACK graph on the native XNNPACK library instead of et4j's Java
 * operators, found with {@link java.util.ServiceLoader} when a program asks for it
 * ({@code LoadOptions.Builder.backendOption("xnnpack", "native")}, the CLI's {@code --xnnpack
 * native}, or {@code -Det4j.xnnpack=native}). The module {@code et4j-backend-xnnpack-native}
 * provides one; without it, asking for native fails with NotFound.
 */
public interface XnnNativeBridge {
  /**
   * Checks that the native library can be used here: found, loadable, the version the bridge was
   * written for. Cheap after the first call.
   *
   * @param context the delegate's init context, whose options may name the library
   * @throws org.et4j.runtime.ExecuTorchException NotFound when the library is missing, NotSupported
   *     when it is not the expected version; the message says what to install or set
   */
  void checkAvailable(BackendInitContext context);

  /**
   * Defines {@code graph} (already validated by et4j) in the native library and returns the
   * handle that runs it.
   *
   * @param graph the decoded, validated payload
   * @param context the delegate's init context (options, threads)
   * @return a handle owned by one Method
   */
  DelegateHandle compile(XnnGraph graph, BackendInitContext context);
}
