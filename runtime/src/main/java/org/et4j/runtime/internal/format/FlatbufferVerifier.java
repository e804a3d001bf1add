package org.et4j.runtime.internal.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;

/**
 * Checks that every table, vector, string and union reachable from a flatbuffer's root lies inside
 * the buffer, before any generated accessor reads it. flatbuffers-java has no verifier of its own
 * and its accessors trust every offset; after {@link #verifyRoot} succeeds they cannot read out of
 * bounds.
 *
 * <p>Work is bounded: a budget derived from the buffer size limits the tables, vector elements
 * and string bytes visited (one unit each; a real file, whose objects are visited once, uses at
 * most about its size), so a hostile file whose offsets share subtrees many times over fails fast
 * instead of hanging or making the reader expand it without end.
 */
public final class FlatbufferVerifier {
  private static final int MAX_DEPTH = 64;

  private final ByteBuffer bb;
  private final int size;
  private final String fileKind;
  private final ErrorCode errorCode;
  private long budget;

  /**
   * @param bb the flatbuffer, position 0 at the buffer's first byte
   * @param fileKind named in messages, e.g. {@code program}
   * @param errorCode raised on failure (InvalidProgram for programs, InvalidExternalData for .ptd)
   */
  public FlatbufferVerifier(ByteBuffer bb, String fileKind, ErrorCode errorCode) {
    this.bb = bb.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    this.size = bb.limit();
    this.fileKind = fileKind;
    this.errorCode = errorCode;
    this.budget = 1_000_000L + 16L * size;
  }

  /** Verifies the root table (offset at byte {@code rootPosition}) against {@code spec}. */
  public void verifyRoot(int rootPosition, TableSpec spec) {
    require(size >= rootPosition + 4L, "buffer of " + size + " bytes has no root offset");
    int root = uoffsetTarget(rootPosition, "root offset");
    verifyTable(root, spec, 0, spec.name() + " (root)");
  }

  private ExecuTorchException fail(String message) {
    return new ExecuTorchException(errorCode, "malformed " + fileKind + ": " + message);
  }

  private void require(boolean ok, String message) {
    if (!ok) {
      throw fail(message);
    }
  }

  private void spend(long units, String where) {
    budget -= units;
    if (budget < 0) {
      throw fail("too many objects to verify (shared or cyclic offsets?) at " + where);
    }
  }

  /** Position that the uoffset stored at {@code at} points to, checked to be inside the buffer. */
  private int uoffsetTarget(int at, String what) {
    require(at >= 0 && at + 4L <= size, what + " at byte " + at + " is outside the buffer");
    long rel = Integer.toUnsignedLong(bb.getInt(at));
    long target = at + rel;
    require(target < size, what + " at byte " + at + " points to " + target + ", past the end (" + size + " bytes)");
    return (int) target;
  }

  private void verifyTable(int table, TableSpec spec, int depth, String where) {
    require(depth <= MAX_DEPTH, "tables nested deeper than " + MAX_DEPTH + " at " + where);
    spend(1 + spec.fieldCount(), where);
    require(table >= 0 && table + 4L <= size, "table " + where + " at byte " + table + " is outside the buffer");
    long vtable = (long) table - bb.getInt(table);
    require(vtable >= 0 && vtable + 4 <= size, "vtable of " + where + " (table at byte " + table + ") is outside the buffer: " + vtable);
    int vt = (int) vtable;
    int vtSize = Short.toUnsignedInt(bb.getShort(vt));
    int tableSize = Short.toUnsignedInt(bb.getShort(vt + 2));
    require(vtSize >= 4 && (vtSize & 1) == 0 && vt + (long) vtSize <= size,
        "vtable of " + where + " at byte " + vt + " has invalid size " + vtSize);
    require(tableSize >= 4 && table + (long) tableSize <= size,
        "table " + where + " at byte " + table + " has size " + tableSize + " past the end of the buffer");
    for (int f = 0; f < spec.fieldCount(); f++) {
      int slot = 4 + 2 * f;
      if (slot + 2 > vtSize) {
        break;
      }
      int voff = Short.toUnsignedInt(bb.getShort(vt + slot));
      if (voff == 0) {
        continue;
      }
      FieldSpec field = spec.field(f);
      String fieldWhere = where + "." + field.name();
      // As flatbuffers' own verifier: a field must lie inside the buffer (the vtable's table size
      // is not a bound for fields; writers may place 8-byte scalars past it).
      require(table + (long) voff + field.inlineSize() <= size,
          "field " + fieldWhere + " at table offset " + voff + " lies past the end of the buffer");
      int pos = table + voff;
      switch (field.kind()) {
        case SCALAR -> {}
        case UNION_TYPE -> {
          // A union that names a member must carry it: readers cast the value to the member
          // type and would find nothing (flatbuffers' own verifier lets this through).
          int tag = Byte.toUnsignedInt(bb.get(pos));
          int valueSlot = slot + 2;
          require(tag == 0 || (valueSlot + 2 <= vtSize && bb.getShort(vt + valueSlot) != 0),
              "union " + where + "." + spec.field(f + 1).name() + " has type " + tag + " but no value");
        }
        case STRING -> verifyString(uoffsetTarget(pos, fieldWhere), fieldWhere);
        case TABLE -> verifyTable(uoffsetTarget(pos, fieldWhere), field.table(), depth + 1, fieldWhere);
        case SCALAR_VECTOR -> verifyVector(uoffsetTarget(pos, fieldWhere), field.elementSize(), fieldWhere);
        case STRING_VECTOR -> {
          int v = uoffsetTarget(pos, fieldWhere);
          int n = verifyVector(v, 4, fieldWhere);
          for (int i = 0; i < n; i++) {
            int at = v + 4 + 4 * i;
            verifyString(uoffsetTarget(at, fieldWhere + "[" + i + "]"), fieldWhere + "[" + i + "]");
          }
        }
        case TABLE_VECTOR -> {
          int v = uoffsetTarget(pos, fieldWhere);
          int n = verifyVector(v, 4, fieldWhere);
          for (int i = 0; i < n; i++) {
            int at = v + 4 + 4 * i;
            String w = fieldWhere + "[" + i + "]";
            verifyTable(uoffsetTarget(at, w), field.table(), depth + 1, w);
          }
        }
        case UNION -> {
          int typeTag = unionTag(table, vt, vtSize, tableSize, f - 1, fieldWhere);
          if (typeTag == 0) {
            break;
          }
          TableSpec member = field.unionMember(typeTag);
          require(member != null, "field " + fieldWhere + " has unknown union type " + typeTag);
          verifyTable(uoffsetTarget(pos, fieldWhere), member, depth + 1, fieldWhere + "<" + member.name() + ">");
        }
      }
    }
  }

  /** Reads the ubyte type field that precedes a union value field. */
  private int unionTag(int table, int vt, int vtSize, int tableSize, int typeField, String where) {
    int slot = 4 + 2 * typeField;
    if (slot + 2 > vtSize) {
      return 0;
    }
    int voff = Short.toUnsignedInt(bb.getShort(vt + slot));
    if (voff == 0) {
      return 0;
    }
    require(table + (long) voff + 1 <= size, "union type of " + where + " lies past the end of the buffer");
    return Byte.toUnsignedInt(bb.get(table + voff));
  }

  /** Checks a vector's length word and extent; returns its length. */
  private int verifyVector(int v, int elementSize, String where) {
    require(v + 4L <= size, "vector " + where + " at byte " + v + " has no room for its length");
    long n = Integer.toUnsignedLong(bb.getInt(v));
    require(v + 4 + n * elementSize <= size,
        "vector " + where + " at byte " + v + " claims " + n + " elements of " + elementSize
            + " bytes, past the end of the buffer (" + size + " bytes)");
    // Each element costs a unit, as each table does: a reader walks every element of every
    // vector it reaches, so a vector shared by many tables multiplies the work it causes.
    spend(1 + n, where);
    return (int) n;
  }

  private void verifyString(int s, String where) {
    int n = verifyVector(s, 1, where);
    require(s + 4L + n < size && bb.get(s + 4 + n) == 0,
        "string " + where + " at byte " + s + " is not zero-terminated inside the buffer");
    CharsetDecoder decoder =
        StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer unused = decoder.decode(bb.duplicate().position(s + 4).limit(s + 4 + n));
    } catch (CharacterCodingException e) {
      throw fail("string " + where + " at byte " + s + " is not valid UTF-8");
    }
  }

  /** What one field of a table holds. */
  public enum Kind {
    SCALAR,
    UNION_TYPE,
    STRING,
    TABLE,
    SCALAR_VECTOR,
    STRING_VECTOR,
    TABLE_VECTOR,
    UNION
  }

  /** One field: its kind, inline size, and for nested kinds what it points to. */
  public record FieldSpec(
      String name, Kind kind, int inlineSize, int elementSize, TableSpec table, TableSpec[] unionMembers) {
    TableSpec unionMember(int tag) {
      return tag >= 1 && tag <= unionMembers.length ? unionMembers[tag - 1] : null;
    }
  }

  /** The shape of a table: its fields in slot order. Built with {@link #table(String)}. */
  public static final class TableSpec {
    private final String name;
    private final java.util.List<FieldSpec> fields = new java.util.ArrayList<>();

    private TableSpec(String name) {
      this.name = name;
    }

    public String name() {
      return name;
    }

    int fieldCount() {
      return fields.size();
    }

    FieldSpec field(int i) {
      return fields.get(i);
    }

    /** A scalar (or bool, or enum) of {@code bytes} bytes. */
    public TableSpec scalar(String field, int bytes) {
      fields.add(new FieldSpec(field, Kind.SCALAR, bytes, 0, null, null));
      return this;
    }

    public TableSpec string(String field) {
      fields.add(new FieldSpec(field, Kind.STRING, 4, 0, null, null));
      return this;
    }

    public TableSpec table(String field, TableSpec spec) {
      fields.add(new FieldSpec(field, Kind.TABLE, 4, 0, spec, null));
      return this;
    }

    /** A vector of scalars of {@code elementBytes} each. */
    public TableSpec vector(String field, int elementBytes) {
      fields.add(new FieldSpec(field, Kind.SCALAR_VECTOR, 4, elementBytes, null, null));
      return this;
    }

    public TableSpec stringVector(String field) {
      fields.add(new FieldSpec(field, Kind.STRING_VECTOR, 4, 4, null, null));
      return this;
    }

    public TableSpec tableVector(String field, TableSpec spec) {
      fields.add(new FieldSpec(field, Kind.TABLE_VECTOR, 4, 4, spec, null));
      return this;
    }

    /** A union: two slots, the type byte and the value, members in tag order (tag 1 first). */
    public TableSpec union(String field, TableSpec... members) {
      fields.add(new FieldSpec(field + "_type", Kind.UNION_TYPE, 1, 0, null, null));
      fields.add(new FieldSpec(field, Kind.UNION, 4, 0, null, members.clone()));
      return this;
    }
  }

  /** Starts the description of a table. */
  public static TableSpec table(String name) {
    return new TableSpec(name);
  }
}
