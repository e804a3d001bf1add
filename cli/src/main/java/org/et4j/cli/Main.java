package org.et4j.cli;

/** Entry point of the {@code et4j} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(2);
  }
}
