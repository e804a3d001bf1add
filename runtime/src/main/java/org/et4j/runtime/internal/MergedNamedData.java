package org.et4j.runtime.internal;

import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.delegate.NamedDataMap;
import org.et4j.runtime.delegate.TensorLayout;
import org.et4j.runtime.internal.format.FlatTensorFile;
import org.et4j.runtime.internal.format.PteFile;

/**
 * The program's {@code named_data} merged with the .ptd files given at load, as ExecuTorch's
 * {@code MergedDataMap}: one key space, and a key found in two sources is an error.
 */
public final class MergedNamedData implements NamedDataMap {
  private record Source(MemorySegment data, TensorLayout layout, String origin) {}

  private final Map<String, Source> entries;

  public MergedNamedData(PteFile program, Iterable<FlatTensorFile> external) {
    Map<String, Source> map = new LinkedHashMap<>();
    program.namedDataSegments().forEach((k, seg) -> map.put(k, new Source(program.segment(seg), null, "program")));
    for (FlatTensorFile f : external) {
      for (FlatTensorFile.Entry e : f.entries().values()) {
        Source previous = map.putIfAbsent(e.key(), new Source(e.data(), e.layout(), f.name()));
        if (previous != null) {
          throw new ExecuTorchException(
              ErrorCode.INVALID_ARGUMENT,
              "named data key '" + e.key() + "' is in both " + previous.origin() + " and " + f.name());
        }
      }
    }
    this.entries = Collections.unmodifiableMap(map);
  }

  @Override
  public Optional<MemorySegment> find(String key) {
    Source s = entries.get(key);
    return s == null ? Optional.empty() : Optional.of(s.data());
  }

  @Override
  public Optional<TensorLayout> tensorLayout(String key) {
    Source s = entries.get(key);
    return s == null ? Optional.empty() : Optional.ofNullable(s.layout());
  }

  @Override
  public Set<String> keys() {
    return entries.keySet();
  }

  /** Where a key comes from: {@code program} or a .ptd name. */
  public String origin(String key) {
    Source s = entries.get(key);
    return s == null ? null : s.origin();
  }
}
