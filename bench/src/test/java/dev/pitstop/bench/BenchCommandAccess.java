package dev.pitstop.bench;

/** Test access to the package-private command. */
public final class BenchCommandAccess {
  public BenchCommand bench() {
    return new BenchCommand();
  }
}
