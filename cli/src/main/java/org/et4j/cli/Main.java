package org.et4j.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.et4j.runtime.ExecuTorchException;

/**
 * Entry point of the {@code et4j} command. Each subcommand is a class of its own; this class only
 * dispatches and turns failures into one line on stderr with a non-zero exit status.
 *
 * <p>Exit status: 0 success; 1 a check failed ({@code verify}) or bad usage; 2 the file or its
 * execution failed with an {@link ExecuTorchException}.
 */
public final class Main {
  static final String USAGE =
      """
      usage: et4j <command> [options]

      commands:
        inspect FILE.pte [--ptd FILE.ptd]... [--json]
            the file layout, each method's inputs, outputs and planned memory, operators, delegates
        run FILE.pte [--ptd FILE.ptd]... [--method NAME] [--input FILE.npy ...|--random SEED]
                     [--iterations N] [--warmup N] [--threads N]
            runs a method and prints its outputs and latency percentiles; --threads sets the
            kernels' compute threads (default: the processor count, as -Det4j.threads=N)
        profile FILE.pte|FILE.bpte [--ptd F]... [--method M] [--iterations N] [--warmup N] [--case N]
                [--input FILE.npy ...|--random SEED] [--etdump OUT.etdp] [--debug-buffer OUT.bin] [--compare ET.etdp] [--json]
            runs a method under an ETDump writer and prints the time per operator and delegate
            node, largest first; --compare puts an ExecuTorch ETDump of the same file beside it
        bench FILE.pte [--ptd FILE.ptd]... [--method NAME] [--input FILE.npy ...|--random SEED]
                       [--iterations N] [--warmup N] [--threads N] [--json] [--jfr OUT.jfr]
            load time, first inference, steady-state latency (ExecuTorch's metric names), time to
            steady state, peak heap and RSS, heap bytes allocated per inference; --jfr records a
            JFR profile of the timed runs only (jfr view hot-methods OUT.jfr)
        verify FILE.bpte [--ptd FILE.ptd]... [--rtol R] [--atol A]
            runs the test cases bundled in a BundledProgram and compares the outputs
        generate FILE.pte --tokenizer tokenizer.json --prompt TEXT [--system TEXT] [--raw]
                          | --prompt-ids 1,2,3
                          [--max-new-tokens N] [--temperature T] [--top-p P] [--seed S] [--threads N]
            generates from an LLM program exported by ExecuTorch's LLM tooling (KV cache),
            streaming the text (the prompt in the chat template of the tokenizer_config.json beside
            the tokenizer unless --raw); prints prefill and decode tokens/s, time to first token,
            peak RSS

      loading options (inspect and run):
        --ptd FILE.ptd...            external data files
        --verification full|minimal  full (default) verifies the whole flatbuffer; minimal only
                                     the header and offsets, for trusted files (as ExecuTorch's)
        --max-planned-memory BYTES   the most planned memory and kernel scratch one method may
                                     use (e.g. 8G; default 4G, or -Det4j.maxPlannedMemory)
        --file-access map|read       map the file (default) or read it into memory
        --xnnpack java|native|auto   XNNPACK delegates on et4j's Java operators (default), on the
                                     native XNNPACK library of the ExecuTorch 1.5.1 wheel, or
                                     native when that library is found (-Det4j.xnnpack=MODE)
        --xnnpack-native PATH        the native library, its directory, or a Python environment
                                     with the wheel installed (-Det4j.xnnpack.native.path=PATH)

      common options: --verbose (stack traces on errors), --help
      """;

  private Main() {}

  /**
   * The {@code et4j} command: runs {@link #run} on the standard streams and exits with its status.
   *
   * @param args the command and its options (see {@code et4j --help})
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs a command without exiting the JVM (for tests and embedding).
   *
   * @param args the command and its options (see {@code et4j --help})
   * @param out where results and {@code --help} go
   * @param err where errors and the usage (for no arguments) go
   * @return the exit status: 0 on success, non-zero on a usage error or a failed command
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    List<String> list = Arrays.asList(args);
    boolean verbose = list.contains("--verbose");
    if (args.length == 0 || list.contains("--help") || list.contains("-h")) {
      (args.length == 0 ? err : out).print(USAGE);
      return args.length == 0 ? 1 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      return switch (args[0]) {
        case "inspect" -> new InspectCommand(Options.parse(rest, InspectCommand.FLAGS, InspectCommand.VALUED), out).run();
        case "run" -> new RunCommand(Options.parse(rest, RunCommand.FLAGS, RunCommand.VALUED), out).run();
        case "profile" -> new ProfileCommand(Options.parse(rest, ProfileCommand.FLAGS, ProfileCommand.VALUED), out).run();
        case "bench" -> new BenchCommand(Options.parse(rest, BenchCommand.FLAGS, BenchCommand.VALUED), out, err).run();
        case "verify" -> new VerifyCommand(Options.parse(rest, VerifyCommand.FLAGS, VerifyCommand.VALUED), out).run();
        case "generate" -> new GenerateCommand(Options.parse(rest, GenerateCommand.FLAGS, GenerateCommand.VALUED), out).run();
        default -> {
          err.println("error: unknown command '" + args[0] + "'");
          err.print(USAGE);
          yield 1;
        }
      };
    } catch (ExecuTorchException e) {
      err.println("error: " + e.getMessage());
      if (verbose) {
        e.printStackTrace(err);
      }
      return 2;
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println("run 'et4j --help' for usage");
      return 1;
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("error: " + e.getMessage());
      if (verbose) {
        e.printStackTrace(err);
      }
      return 1;
    }
  }

  /** Bad command-line usage. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
