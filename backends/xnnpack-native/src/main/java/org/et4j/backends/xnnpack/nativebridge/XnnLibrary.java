package org.et4j.backends.xnnpack.nativebridge;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;

/**
 * XNNPACK's C API, bound by FFM downcalls to the library the ExecuTorch wheel ships
 * ({@code executorch/lib/libexecutorch_backend_xnnpack.so}, which exports every {@code xnn_*}
 * function, and {@code libexecutorch_threadpool.so} beside it, which exports pthreadpool).
 *
 * <p>Every signature and enum value here is XNNPACK's {@code include/xnnpack.h} at commit
 * {@value #XNNPACK_COMMIT}, the one ExecuTorch 1.5.x pins in {@code backends/xnnpack/third-party}.
 * A library of another version would be called with the wrong enum values (a datatype or an
 * operator code shifted by an inserted entry) and compute nonsense or crash, so {@link #load}
 * refuses it: every function et4j calls must be exported, the functions that the pinned header
 * added last must be there, and the build identifier (a hash XNNPACK's build computes over its
 * micro-kernel sources) must be the one of the pinned build, unless {@value #ALLOW_UNVERIFIED}
 * is set.
 */
final class XnnLibrary {
  static final String XNNPACK_COMMIT = "92a7ad501b9516f9fecae119e0146dd1f58e54c1";
  static final String LIBRARY = "libexecutorch_backend_xnnpack.so";
  static final String THREADPOOL_LIBRARY = "libexecutorch_threadpool.so";
  /** System property: set to true to accept a library whose build identifier is not a known one. */
  static final String ALLOW_UNVERIFIED = "et4j.xnnpack.native.allowUnverifiedBuild";
  /**
   * Build identifiers of XNNPACK builds at {@link #XNNPACK_COMMIT}: the ExecuTorch 1.5.1 wheel for
   * Linux x86-64 (PyPI {@code executorch==1.5.1}).
   */
  static final List<String> KNOWN_BUILD_IDENTIFIERS = List.of(
      "78e8776e742aaec2e0f3c3ef26613bab845df743a5047533d6900dea608b1385");

  /** {@code XNN_INVALID_VALUE_ID}. */
  static final int INVALID_VALUE_ID = -1;
  static final int VALUE_FLAG_EXTERNAL_INPUT = 0x1;
  static final int VALUE_FLAG_EXTERNAL_OUTPUT = 0x2;
  /** {@code XNN_MAX_TENSOR_DIMS}. */
  static final int MAX_TENSOR_DIMS = 6;
  /**
   * How far past an input's end XNNPACK may read: {@code XNN_EXTRA_BYTES} is 16 on x86 and Arm
   * and 128 on the targets with longer vectors; et4j pads by the larger.
   */
  static final int EXTRA_BYTES = 128;

  // enum xnn_datatype
  static final int DT_FP32 = 1;
  static final int DT_FP16 = 2;
  static final int DT_QINT8 = 3;
  static final int DT_QUINT8 = 4;
  static final int DT_QINT32 = 5;
  static final int DT_QCINT8 = 6;
  static final int DT_QCINT32 = 7;
  static final int DT_QCINT4 = 8;
  static final int DT_QDINT8 = 9;
  static final int DT_QPINT8 = 10;
  static final int DT_INT32 = 11;
  static final int DT_QBINT4 = 12;
  static final int DT_PFP32 = 13;
  static final int DT_BF16 = 14;

  // enum xnn_unary_operator
  static final int UNARY_ABS = 0;
  static final int UNARY_CEILING = 3;
  static final int UNARY_CLAMP = 4;
  static final int UNARY_COSINE = 6;
  static final int UNARY_ELU = 7;
  static final int UNARY_EXP = 8;
  static final int UNARY_FLOOR = 9;
  static final int UNARY_GELU = 10;
  static final int UNARY_HARDSWISH = 11;
  static final int UNARY_LEAKY_RELU = 12;
  static final int UNARY_LOG = 13;
  static final int UNARY_NEGATE = 14;
  static final int UNARY_RECIPROCAL_SQUARE_ROOT = 15;
  static final int UNARY_SIGMOID = 16;
  static final int UNARY_SINE = 17;
  static final int UNARY_SQUARE_ROOT = 18;
  static final int UNARY_SQUARE = 19;
  static final int UNARY_TANH = 20;

  // enum xnn_binary_operator
  static final int BINARY_ADD = 0;
  static final int BINARY_SUBTRACT = 1;
  static final int BINARY_MULTIPLY = 2;
  static final int BINARY_DIVIDE = 3;
  static final int BINARY_MAXIMUM = 4;
  static final int BINARY_MINIMUM = 5;

  /** {@code struct xnn_external_value { uint32_t id; void* data; }}. */
  static final MemoryLayout EXTERNAL_VALUE = MemoryLayout.structLayout(
      ValueLayout.JAVA_INT.withName("id"), MemoryLayout.paddingLayout(4), ValueLayout.ADDRESS.withName("data"));

  private static final String[] STATUS = {
    "success", "uninitialized", "invalid_parameter", "invalid_state", "unsupported_parameter",
    "unsupported_hardware", "out_of_memory", "reallocation_required", "deprecated"
  };

  private static final Map<Path, Object> LOADED = new ConcurrentHashMap<>();

  final Path path;
  final String buildIdentifier;
  private final SymbolLookup xnn;
  private final SymbolLookup threadpoolLib;
  private final Linker linker = Linker.nativeLinker();
  private final List<String> missing = new ArrayList<>();
  private final Map<Integer, MemorySegment> pools = new ConcurrentHashMap<>();

  // Graph definition (at delegate init)
  final MethodHandle createSubgraph;
  final MethodHandle deleteSubgraph;
  final MethodHandle defineTensorValue;
  final MethodHandle defineQuantizedTensorValue;
  final MethodHandle defineChannelwiseQuantizedTensorValueV2;
  final MethodHandle defineBlockwiseQuantizedTensorValue;
  final MethodHandle defineDynamicallyQuantizedTensorValue;
  final MethodHandle defineFullyConnected;
  final MethodHandle defineConvolution2d;
  final MethodHandle defineDeconvolution2d;
  final MethodHandle defineDepthwiseConvolution2d;
  final MethodHandle defineBinary;
  final MethodHandle defineUnary;
  final MethodHandle defineSoftmax;
  final MethodHandle defineAveragePooling2d;
  final MethodHandle defineMaxPooling2d;
  final MethodHandle defineArgmaxPooling2d;
  final MethodHandle defineGlobalAveragePooling2d;
  final MethodHandle defineConcatenate;
  final MethodHandle defineStaticReshape;
  final MethodHandle defineStaticTranspose;
  final MethodHandle defineStaticSlice;
  final MethodHandle defineStaticConstantPad;
  final MethodHandle defineStaticResizeBilinear2d;
  final MethodHandle defineConvert;
  final MethodHandle defineBatchMatrixMultiply;
  final MethodHandle definePrelu;
  final MethodHandle defineCopy;
  final MethodHandle createRuntimeV4;
  final MethodHandle deleteRuntime;
  // Execution (every DelegateCall)
  final MethodHandle reshapeExternalValue;
  final MethodHandle reshapeRuntime;
  final MethodHandle getExternalValueShape;
  final MethodHandle setupRuntimeV2;
  final MethodHandle invokeRuntime;
  // pthreadpool
  private final MethodHandle pthreadpoolCreate;

  private XnnLibrary(Path path) {
    this.path = path;
    Path dir = path.getParent();
    if (!isElf(path)) {
      // Checked before dlopen: the JVM's loader reacts to some non-libraries with warnings of its own.
      throw new ExecuTorchException(ErrorCode.NOT_FOUND, "native XNNPACK: cannot load " + path
          + " (not an ELF shared library)" + howToInstall());
    }
    try {
      // The library finds libexecutorch.so and libexecutorch_threadpool.so beside itself ($ORIGIN).
      xnn = SymbolLookup.libraryLookup(path, Arena.global());
    } catch (IllegalArgumentException e) {
      throw new ExecuTorchException(ErrorCode.NOT_FOUND, "native XNNPACK: cannot load " + path + " (" + e.getMessage()
          + "); it needs libexecutorch.so and libexecutorch_threadpool.so beside it, as the ExecuTorch wheel installs them"
          + howToInstall());
    }
    Path pool = dir == null ? Path.of(THREADPOOL_LIBRARY) : dir.resolve(THREADPOOL_LIBRARY);
    SymbolLookup tp = null;
    if (Files.isRegularFile(pool)) {
      try {
        tp = SymbolLookup.libraryLookup(pool, Arena.global());
      } catch (IllegalArgumentException e) {
        tp = null;
      }
    }
    threadpoolLib = tp;

    createSubgraph = bind("xnn_create_subgraph", "i:iip");
    deleteSubgraph = bind("xnn_delete_subgraph", "i:p");
    defineTensorValue = bind("xnn_define_tensor_value", "i:pilppiip");
    defineQuantizedTensorValue = bind("xnn_define_quantized_tensor_value", "i:piiflppiip");
    defineChannelwiseQuantizedTensorValueV2 = bind("xnn_define_channelwise_quantized_tensor_value_v2", "i:piipllppiip");
    defineBlockwiseQuantizedTensorValue = bind("xnn_define_blockwise_quantized_tensor_value", "i:piiplllppiip");
    defineDynamicallyQuantizedTensorValue = bind("xnn_define_dynamically_quantized_tensor_value", "i:pillpiip");
    defineFullyConnected = bind("xnn_define_fully_connected", "i:pffiiiii");
    defineConvolution2d = bind("xnn_define_convolution_2d", "i:p" + "iiiiiiiiiii" + "ll" + "ff" + "iiiii");
    defineDeconvolution2d = bind("xnn_define_deconvolution_2d", "i:p" + "iiiiiiiiiiiii" + "ll" + "ff" + "iiiii");
    defineDepthwiseConvolution2d = bind("xnn_define_depthwise_convolution_2d", "i:p" + "iiiiiiiiiii" + "l" + "ff" + "iiiii");
    defineBinary = bind("xnn_define_binary", "i:pipiiii");
    defineUnary = bind("xnn_define_unary", "i:pipiii");
    defineSoftmax = bind("xnn_define_softmax", "i:piii");
    defineAveragePooling2d = bind("xnn_define_average_pooling_2d", "i:p" + "iiiiiiii" + "ff" + "iii");
    defineMaxPooling2d = bind("xnn_define_max_pooling_2d", "i:p" + "iiiiiiiiii" + "ff" + "iii");
    defineArgmaxPooling2d = bind("xnn_define_argmax_pooling_2d", "i:p" + "iiiiii" + "iiii");
    defineGlobalAveragePooling2d = bind("xnn_define_global_average_pooling_2d", "i:pffiii");
    defineConcatenate = bind("xnn_define_concatenate", "i:pilpii");
    defineStaticReshape = bind("xnn_define_static_reshape", "i:plpiii");
    defineStaticTranspose = bind("xnn_define_static_transpose", "i:plpiii");
    defineStaticSlice = bind("xnn_define_static_slice", "i:plppiii");
    defineStaticConstantPad = bind("xnn_define_static_constant_pad", "i:pppfiii");
    defineStaticResizeBilinear2d = bind("xnn_define_static_resize_bilinear_2d", "i:plliii");
    defineConvert = bind("xnn_define_convert", "i:piii");
    defineBatchMatrixMultiply = bind("xnn_define_batch_matrix_multiply", "i:piiii");
    definePrelu = bind("xnn_define_prelu", "i:piiii");
    defineCopy = bind("xnn_define_copy", "i:piii");
    createRuntimeV4 = bind("xnn_create_runtime_v4", "i:ppppip");
    deleteRuntime = bind("xnn_delete_runtime", "i:p");
    reshapeExternalValue = bind("xnn_reshape_external_value", "i:pilp");
    reshapeRuntime = bind("xnn_reshape_runtime", "i:p");
    getExternalValueShape = bind("xnn_get_external_value_shape", "i:pipp");
    setupRuntimeV2 = bind("xnn_setup_runtime_v2", "i:plp");
    invokeRuntime = bind("xnn_invoke_runtime", "i:p");
    MethodHandle initialize = bind("xnn_initialize", "i:p");
    MethodHandle idData = bind("xnn_experimental_get_build_identifier_data", "p:");
    MethodHandle idSize = bind("xnn_experimental_get_build_identifier_size", "l:");
    // Added to xnnpack.h by the last change before the pinned commit: an older library lacks them.
    for (String marker : List.of("xnn_reshape_fully_connected_nc_qd8_bf16_qb4w", "xnn_define_static_slice_v3",
        "xnn_define_channelwise_quantized_tensor_value_v3", "xnn_define_blockwise_quantized_tensor_value_v2")) {
      if (xnn.find(marker).isEmpty()) {
        missing.add(marker);
      }
    }
    pthreadpoolCreate = threadpoolLib == null ? null : bindIn(threadpoolLib, "pthreadpool_create", "p:l", false);
    if (!missing.isEmpty()) {
      throw new ExecuTorchException(ErrorCode.NOT_SUPPORTED, "native XNNPACK: " + path + " does not export "
          + String.join(", ", missing) + ", so it is not the XNNPACK (commit " + XNNPACK_COMMIT.substring(0, 10)
          + ") that ExecuTorch 1.5.x ships" + howToInstall());
    }
    String id;
    try {
      long size = (long) idSize.invokeExact();
      MemorySegment data = (MemorySegment) idData.invokeExact();
      if (size <= 0 || size > 256 || data.equals(MemorySegment.NULL)) {
        throw new ExecuTorchException(ErrorCode.NOT_SUPPORTED,
            "native XNNPACK: " + path + " reports a build identifier of " + size + " bytes" + howToInstall());
      }
      id = HexFormat.of().formatHex(data.reinterpret(size).toArray(ValueLayout.JAVA_BYTE));
    } catch (ExecuTorchException e) {
      throw e;
    } catch (Throwable t) {
      throw new ExecuTorchException(ErrorCode.INTERNAL, "native XNNPACK: reading the build identifier failed: " + t, t);
    }
    buildIdentifier = id;
    checkBuildIdentifier(path, id, Boolean.getBoolean(ALLOW_UNVERIFIED));
    int status;
    try {
      status = (int) initialize.invokeExact(MemorySegment.NULL);
    } catch (Throwable t) {
      throw new ExecuTorchException(ErrorCode.INTERNAL, "native XNNPACK: xnn_initialize failed: " + t, t);
    }
    if (status != 0) {
      throw new ExecuTorchException(ErrorCode.NOT_SUPPORTED, "native XNNPACK: xnn_initialize returned "
          + statusName(status) + (status == 5 ? " (this CPU is not supported by XNNPACK)" : ""));
    }
  }

  /**
   * Refuses a library whose build identifier is not one of {@link #KNOWN_BUILD_IDENTIFIERS},
   * unless {@code allowUnverified}: its enums and structs may differ from the ones bound here.
   */
  static void checkBuildIdentifier(Path path, String id, boolean allowUnverified) {
    if (!KNOWN_BUILD_IDENTIFIERS.contains(id) && !allowUnverified) {
      throw new ExecuTorchException(ErrorCode.NOT_SUPPORTED, "native XNNPACK: " + path + " has build identifier " + id
          + ", not that of the XNNPACK build (commit " + XNNPACK_COMMIT.substring(0, 10) + ") ExecuTorch 1.5.1 ships;"
          + " et4j's bindings were written against that version's xnnpack.h. Set -D" + ALLOW_UNVERIFIED
          + "=true to use it anyway (at your own risk), or" + howToInstall().substring(1));
    }
  }

  private static boolean isElf(Path path) {
    try (var in = Files.newInputStream(path)) {
      byte[] magic = in.readNBytes(4);
      return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
    } catch (java.io.IOException e) {
      return false;
    }
  }

  static String howToInstall() {
    return ": install the ExecuTorch 1.5.1 wheel (pip install executorch==1.5.1) and point et4j at its"
        + " executorch/lib with -Det4j.xnnpack.native.path=DIR (or the load option xnnpack.native.path), or at the"
        + " Python environment with -Det4j.xnnpack.native.venv=DIR";
  }

  /**
   * The library at {@code path}, loaded and checked once per path; a failure is remembered and
   * thrown again (a library does not get better by retrying).
   */
  static XnnLibrary load(Path path) {
    Path key = path.toAbsolutePath().normalize();
    Object o = LOADED.computeIfAbsent(key, p -> {
      try {
        return new XnnLibrary(p);
      } catch (ExecuTorchException e) {
        return e;
      }
    });
    if (o instanceof ExecuTorchException e) {
      throw new ExecuTorchException(e.errorCode(), e.detail(), e);
    }
    return (XnnLibrary) o;
  }

  /**
   * Where the library is: {@code explicitPath} (the library file, its directory, or a Python
   * environment), else {@code venv}'s {@code lib/python3.* /site-packages/executorch/lib}.
   */
  static Path locate(String explicitPath, String venv) {
    if (explicitPath != null && !explicitPath.isBlank()) {
      Path p = Path.of(explicitPath.trim());
      if (Files.isDirectory(p) && !Files.isRegularFile(p.resolve(LIBRARY)) && Files.isDirectory(p.resolve("lib"))) {
        return locate(null, p.toString()); // a Python environment
      }
      Path lib = Files.isDirectory(p) ? p.resolve(LIBRARY) : p;
      if (!Files.isRegularFile(lib)) {
        throw new ExecuTorchException(ErrorCode.NOT_FOUND, "native XNNPACK: " + lib + " does not exist" + howToInstall());
      }
      return lib;
    }
    if (venv != null && !venv.isBlank()) {
      Path root = Path.of(venv.trim());
      List<Path> candidates = new ArrayList<>();
      candidates.add(root.resolve("executorch/lib"));
      try (var dirs = Files.isDirectory(root.resolve("lib")) ? Files.list(root.resolve("lib")) : java.util.stream.Stream.<Path>empty()) {
        dirs.filter(d -> d.getFileName().toString().startsWith("python"))
            .sorted()
            .forEach(d -> candidates.add(d.resolve("site-packages/executorch/lib")));
      } catch (java.io.IOException e) {
        // reported below as not found
      }
      for (Path c : candidates) {
        if (Files.isRegularFile(c.resolve(LIBRARY))) {
          return c.resolve(LIBRARY);
        }
      }
      throw new ExecuTorchException(ErrorCode.NOT_FOUND, "native XNNPACK: no " + LIBRARY
          + " under the Python environment " + root + " (looked in " + candidates + ")" + howToInstall());
    }
    throw new ExecuTorchException(ErrorCode.NOT_FOUND, "native XNNPACK was asked for but no library was named"
        + howToInstall());
  }

  /**
   * The shared pthreadpool of {@code threads} threads, made on first use and kept for the life of
   * the process (as ExecuTorch keeps its one pool); null for one thread, or when the threadpool
   * library does not export pthreadpool (XNNPACK then runs on the calling thread).
   */
  MemorySegment threadpool(int threads) {
    if (threads <= 1 || pthreadpoolCreate == null) {
      return MemorySegment.NULL;
    }
    return pools.computeIfAbsent(threads, n -> {
      try {
        MemorySegment pool = (MemorySegment) pthreadpoolCreate.invokeExact((long) n);
        return pool;
      } catch (Throwable t) {
        throw new ExecuTorchException(ErrorCode.INTERNAL, "native XNNPACK: pthreadpool_create(" + n + ") failed: " + t, t);
      }
    });
  }

  boolean hasThreadpool() {
    return pthreadpoolCreate != null;
  }

  static String statusName(int status) {
    return status >= 0 && status < STATUS.length ? "xnn_status_" + STATUS[status] : "status " + status;
  }

  private MethodHandle bind(String name, String signature) {
    return bindIn(xnn, name, signature, true);
  }

  /** A downcall for {@code signature}: return type, colon, argument types (i int32, l size_t, f float, p pointer). */
  private MethodHandle bindIn(SymbolLookup lookup, String name, String signature, boolean required) {
    Optional<MemorySegment> symbol = lookup.find(name);
    if (symbol.isEmpty()) {
      if (required) {
        missing.add(name);
      }
      return null;
    }
    String[] parts = signature.split(":", -1);
    ValueLayout[] args = new ValueLayout[parts[1].length()];
    for (int k = 0; k < args.length; k++) {
      args[k] = layout(parts[1].charAt(k));
    }
    FunctionDescriptor fd = FunctionDescriptor.of(layout(parts[0].charAt(0)), args);
    return linker.downcallHandle(symbol.get(), fd);
  }

  private static ValueLayout layout(char c) {
    return switch (c) {
      case 'i' -> ValueLayout.JAVA_INT;
      case 'l' -> ValueLayout.JAVA_LONG;
      case 'f' -> ValueLayout.JAVA_FLOAT;
      case 'p' -> ValueLayout.ADDRESS;
      default -> throw new IllegalArgumentException("signature type " + c);
    };
  }
}
