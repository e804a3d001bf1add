package org.et4j.djl;

import ai.djl.BaseModel;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.LoadOptions;
import org.et4j.runtime.Program;

/**
 * A DJL {@link ai.djl.Model} over one ExecuTorch program: {@link #load} opens the {@code .pte} (and
 * its {@code .ptd} files) as an et4j {@link Program}, and the model's block runs one of its methods
 * ({@link Et4jSymbolBlock}).
 *
 * <p>The model path is a {@code .pte} file, or a directory holding {@code <prefix>.pte}, {@code
 * <model name>.pte}, {@code <directory name>.pte}, {@code model.pte} or a single {@code .pte}.
 * Options ({@code Criteria.builder().optOption(key, value)}, or {@code serving.properties}):
 *
 * <ul>
 *   <li>{@code ptd}: the program's external data files, comma-separated, relative to the model
 *       directory (or absolute);
 *   <li>{@code method}: the method to run, {@code forward} by default;
 *   <li>{@code threads}, {@code verification} ({@code full}|{@code minimal}), {@code fileAccess}
 *       ({@code map}|{@code read}): et4j's {@link LoadOptions} of the same names.
 * </ul>
 *
 * <p>Closing the model closes its manager, which closes the block, its methods and the program.
 */
public final class Et4jModel extends BaseModel {
  private Program program;

  Et4jModel(String name, NDManager manager) {
    super(name);
    this.manager = manager;
    this.manager.setName("et4jModel");
    this.dataType = DataType.FLOAT32;
  }

  /**
   * Loads the program.
   *
   * @param modelPath a {@code .pte} file or a directory holding one
   * @param prefix the file's name without {@code .pte}, or null
   * @param options the options listed in the class comment, or null
   * @throws FileNotFoundException when there is no {@code .pte} where the path says
   * @throws MalformedModelException when et4j refuses the program (its {@link ExecuTorchException},
   *     with ExecuTorch's error code, is the cause) or its method
   */
  @Override
  public void load(Path modelPath, String prefix, Map<String, ?> options)
      throws IOException, MalformedModelException {
    if (block != null) {
      throw new IllegalStateException("model " + modelName + " is already loaded");
    }
    Path pte = findProgram(modelPath, prefix);
    LoadOptions loadOptions = loadOptions(options);
    Program loaded;
    try {
      loaded = Program.load(pte, loadOptions);
    } catch (ExecuTorchException e) {
      throw new MalformedModelException("et4j cannot load " + pte + ": " + e.getMessage(), e);
    }
    start(loaded, options);
  }

  /**
   * Loads a program from a stream of {@code .pte} bytes (no {@code .ptd}; options other than {@code
   * method} do not apply).
   *
   * @param is the program's bytes
   * @param options {@code method}, or null
   * @throws MalformedModelException when et4j refuses the program
   */
  @Override
  public void load(InputStream is, Map<String, ?> options)
      throws IOException, MalformedModelException {
    if (block != null) {
      throw new IllegalStateException("model " + modelName + " is already loaded");
    }
    Program loaded;
    try {
      loaded = Program.load(is.readAllBytes());
    } catch (ExecuTorchException e) {
      throw new MalformedModelException("et4j cannot load the program: " + e.getMessage(), e);
    }
    start(loaded, options);
  }

  private void start(Program loaded, Map<String, ?> options) throws MalformedModelException {
    String method = option(options, "method");
    if (method == null) {
      method = "forward";
    }
    if (!loaded.methodNames().contains(method)) {
      loaded.close();
      throw new MalformedModelException(
          "the program has no method '" + method + "'; it has " + loaded.methodNames());
    }
    try {
      block = new Et4jSymbolBlock(loaded, method, (Et4jNDManager) manager);
    } catch (ExecuTorchException e) {
      loaded.close();
      throw new MalformedModelException(
          "et4j cannot load method '" + method + "': " + e.getMessage(), e);
    }
    program = loaded;
    wasLoaded = true;
  }

  /**
   * The et4j program this model runs, for what DJL does not expose (method metadata, other
   * methods).
   *
   * @return the program, or null before {@link #load}
   */
  public Program program() {
    return program;
  }

  private Path findProgram(Path modelPath, String prefix) throws IOException {
    if (Files.isRegularFile(modelPath)) {
      modelDir = modelPath.toAbsolutePath().getParent();
      return modelPath;
    }
    setModelDir(modelPath);
    List<String> candidates = new ArrayList<>();
    if (prefix != null) {
      candidates.add(prefix);
    }
    candidates.add(modelName);
    candidates.add(modelDir.getFileName() == null ? "model" : modelDir.getFileName().toString());
    candidates.add("model");
    for (String name : candidates) {
      Path file = modelDir.resolve(name.endsWith(".pte") ? name : name + ".pte");
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    List<Path> ptes = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(modelDir, "*.pte")) {
      dir.forEach(ptes::add);
    }
    if (ptes.size() == 1) {
      return ptes.getFirst();
    }
    throw new FileNotFoundException(
        (ptes.isEmpty() ? "no .pte file" : "several .pte files and none named " + candidates)
            + " in "
            + modelDir);
  }

  private LoadOptions loadOptions(Map<String, ?> options) throws FileNotFoundException {
    LoadOptions.Builder builder = LoadOptions.builder();
    String ptd = option(options, "ptd");
    if (ptd != null) {
      List<Path> files = new ArrayList<>();
      for (String name : ptd.split(",")) {
        Path file = modelDir.resolve(name.trim());
        if (!Files.isRegularFile(file)) {
          throw new FileNotFoundException("ptd file " + file + " does not exist");
        }
        files.add(file);
      }
      builder.externalData(files);
    }
    String threads = option(options, "threads");
    if (threads != null) {
      try {
        builder.threads(Integer.parseInt(threads.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "option threads must be an integer, got '" + threads + "'", e);
      }
    }
    String verification = option(options, "verification");
    if (verification != null) {
      builder.verification(LoadOptions.Verification.parse(verification));
    }
    String fileAccess = option(options, "fileAccess");
    if (fileAccess != null) {
      builder.fileAccess(LoadOptions.FileAccess.parse(fileAccess));
    }
    return builder.build();
  }

  private static String option(Map<String, ?> options, String key) {
    Object value = options == null ? null : options.get(key);
    return value == null ? null : value.toString();
  }
}
