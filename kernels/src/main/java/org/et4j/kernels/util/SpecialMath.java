package org.et4j.kernels.util;

/**
 * C math functions that {@link Math} lacks ({@code erf}, {@code asinh}, {@code acosh},
 * {@code atanh}, {@code log2}, {@code nearbyint}), in double precision, accurate to a few ulps:
 * more than enough for kernels whose results are rounded to float32, and within a small relative
 * error of glibc for float64.
 */
public final class SpecialMath {
  private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
  private static final double LN2 = 0.6931471805599453;

  private SpecialMath() {}

  /** The error function. */
  public static double erf(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double ax = Math.abs(x);
    double r;
    if (ax < 2.5) {
      r = erfSeries(ax);
    } else if (ax < 6.0) {
      r = 1.0 - erfcContinuedFraction(ax);
    } else {
      r = 1.0;
    }
    return x < 0 ? -r : (x == 0 ? x : r);
  }

  /** The complementary error function {@code 1 - erf(x)}, accurate in the tail. */
  public static double erfc(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    if (x < 2.5) {
      return 1.0 - erf(x);
    }
    if (x > 27.3) {
      return 0.0;
    }
    return erfcContinuedFraction(x);
  }

  // erf(x) = 2/sqrt(pi) e^(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)): all terms positive, so
  // there is no cancellation; about 60 terms at x = 2.5.
  private static double erfSeries(double x) {
    double x2 = x * x;
    double term = x;
    double sum = x;
    for (int n = 1; n < 200; n++) {
      term *= 2.0 * x2 / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) {
        break;
      }
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }

  // erfc(x) = e^(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated
  // with the modified Lentz algorithm.
  private static double erfcContinuedFraction(double x) {
    final double tiny = 1e-300;
    double f = x;
    double c = x;
    double d = 0.0;
    for (int k = 1; k < 500; k++) {
      double a = k * 0.5;
      d = x + a * d;
      d = d == 0 ? tiny : d;
      c = x + a / c;
      c = c == 0 ? tiny : c;
      d = 1.0 / d;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1.0) < 1e-16) {
        break;
      }
    }
    return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
  }

  /** The inverse hyperbolic sine. */
  public static double asinh(double x) {
    double ax = Math.abs(x);
    if (Double.isNaN(x) || Double.isInfinite(x) || x == 0) {
      return x;
    }
    double r;
    if (ax > 1e150) {
      r = Math.log(ax) + LN2;
    } else {
      r = Math.log1p(ax + ax * ax / (1.0 + Math.sqrt(1.0 + ax * ax)));
    }
    return Math.copySign(r, x);
  }

  /** The inverse hyperbolic cosine (NaN below 1). */
  public static double acosh(double x) {
    if (Double.isNaN(x) || x < 1.0) {
      return Double.NaN;
    }
    if (x > 1e150) {
      return Math.log(x) + LN2;
    }
    double t = x - 1.0;
    return Math.log1p(t + Math.sqrt(2.0 * t + t * t));
  }

  /** The inverse hyperbolic tangent (NaN outside [-1, 1], infinite at ±1). */
  public static double atanh(double x) {
    if (Double.isNaN(x) || Math.abs(x) > 1.0) {
      return Double.NaN;
    }
    if (x == 0) {
      return x;
    }
    double ax = Math.abs(x);
    double r = 0.5 * Math.log1p(2.0 * ax / (1.0 - ax));
    return Math.copySign(r, x);
  }

  /** The base-2 logarithm, exact for powers of two. */
  public static double log2(double x) {
    if (x > 0 && !Double.isInfinite(x)) {
      int e = Math.getExponent(x);
      if (e >= Double.MIN_EXPONENT && x == Math.scalb(1.0, e)) {
        return e;
      }
    }
    return Math.log(x) / LN2;
  }
}
