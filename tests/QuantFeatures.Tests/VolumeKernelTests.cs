using QuantFeatures.Kernels;
using QuantFeatures.Tests.Support;
using Xunit;

namespace QuantFeatures.Tests;

/// <summary>
/// Volume-family kernels against naive references written independently here (loops over each window, recomputed
/// from scratch), on the synthetic and the real sample, clean and with NaN holes; batch kernel = looped state bit for
/// bit; leading NaN count = lookback on clean data.
/// </summary>
public class VolumeKernelTests
{
    public static TheoryData<string> Inputs => VolumeTestData.All;

    private static void Verify(VolumeTestData d, double[] got, double[] expected, double[] streamed, int lookback, double rel, double abs, string what)
    {
        Approx.Equal(expected, got, rel, abs, $"{d.Name} {what}");
        Approx.Identical(got, streamed, $"{d.Name} {what} state");
        if (d.Clean)
        {
            Assert.Equal(lookback, Approx.LeadingNaN(got));
            Assert.False(double.IsNaN(got[^1]), $"{what}: last value is NaN on clean data");
        }
        else
        {
            Assert.Contains(got, double.IsNaN);
        }

        Assert.DoesNotContain(got, double.IsInfinity);
    }

    private static bool AnyNaN(params double[] values) => values.Any(double.IsNaN);

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Obv_follows_talib_rule_and_state(string input)
    {
        var d = VolumeTestData.Get(input);
        int n = d.Length;
        var got = new double[n];
        Indicators.Obv(d.Close, d.Volume, got);
        // Reference: TA-Lib's loop over the valid bars (a NaN bar is skipped and outputs NaN).
        var expected = new double[n];
        double total = double.NaN, previous = double.NaN;
        for (int t = 0; t < n; t++)
        {
            if (AnyNaN(d.Close[t], d.Volume[t]))
            {
                expected[t] = double.NaN;
                continue;
            }

            if (double.IsNaN(total))
            {
                total = d.Volume[t];
            }
            else if (d.Close[t] > previous)
            {
                total += d.Volume[t];
            }
            else if (d.Close[t] < previous)
            {
                total -= d.Volume[t];
            }

            previous = d.Close[t];
            expected[t] = total;
        }

        var st = new ObvState();
        Verify(d, got, expected, VolumeTestData.Loop(n, t => st.Update(d.Close[t], d.Volume[t])), Indicators.ObvLookback(), 0, 0, "obv");
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Ad_and_adosc_follow_talib_rules_and_state(string input)
    {
        var d = VolumeTestData.Get(input);
        int n = d.Length;
        var ad = new double[n];
        Indicators.Ad(d.High, d.Low, d.Close, d.Volume, ad);
        var expectedAd = new double[n];
        double sum = 0;
        for (int t = 0; t < n; t++)
        {
            double h = d.High[t], l = d.Low[t], c = d.Close[t], v = d.Volume[t];
            if (AnyNaN(h, l, c, v))
            {
                expectedAd[t] = double.NaN;
                continue;
            }

            if (h - l > 0)
            {
                sum += ((c - l) - (h - c)) / (h - l) * v;
            }

            expectedAd[t] = sum;
        }

        var st = new AdState();
        Verify(d, ad, expectedAd, VolumeTestData.Loop(n, t => st.Update(d.High[t], d.Low[t], d.Close[t], d.Volume[t])), 0, 0, 0, "ad");

        var adosc = new double[n];
        Indicators.Adosc(d.High, d.Low, d.Close, d.Volume, 3, 10, adosc);
        // Reference: TA-Lib ADOSC: both EMAs seeded with the first AD value of a run of valid bars, k = 2/(N+1),
        // output from the 10th value of the run (after a NaN the seeding restarts).
        var expected = new double[n];
        double fast = 0, slow = 0, kf = 2.0 / 4, ks = 2.0 / 11;
        int seen = 0;
        for (int t = 0; t < n; t++)
        {
            double a = expectedAd[t];
            if (double.IsNaN(a))
            {
                seen = 0;
                expected[t] = double.NaN;
                continue;
            }

            if (seen == 0)
            {
                fast = slow = a;
            }
            else
            {
                fast = (kf * a) + ((1 - kf) * fast);
                slow = (ks * a) + ((1 - ks) * slow);
            }

            seen++;
            expected[t] = seen >= 10 ? fast - slow : double.NaN;
        }

        var so = new AdoscState(3, 10);
        Verify(d, adosc, expected, VolumeTestData.Loop(n, t => so.Update(d.High[t], d.Low[t], d.Close[t], d.Volume[t])),
            Indicators.AdoscLookback(3, 10), 1e-12, 1e-12, "adosc");
        var fromAd = new double[n];
        Indicators.AdoscFromAd(ad, 3, 10, fromAd);
        Approx.Identical(adosc, fromAd, "adosc from ad");
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Mfi_equals_window_recomputation_and_state(string input)
    {
        var d = VolumeTestData.Get(input);
        int n = d.Length;
        foreach (int p in new[] { 2, 14, 30 })
        {
            var got = new double[n];
            Indicators.Mfi(d.High, d.Low, d.Close, d.Volume, p, got);
            double Tp(int j) => (d.High[j] + d.Low[j] + d.Close[j]) / 3.0;
            var expected = new double[n];
            for (int t = 0; t < n; t++)
            {
                expected[t] = double.NaN;
                if (t < p)
                {
                    continue;
                }

                double pos = 0, neg = 0;
                bool missing = false;
                for (int j = t - p + 1; j <= t; j++)
                {
                    double tp = Tp(j), prev = Tp(j - 1), mf = tp * d.Volume[j];
                    missing |= AnyNaN(tp, prev, mf);
                    pos += tp > prev ? mf : 0;
                    neg += tp < prev ? mf : 0;
                }

                if (!missing)
                {
                    expected[t] = pos + neg < 1 ? 0 : 100 * pos / (pos + neg);
                }
            }

            var st = new MfiState(p);
            Verify(d, got, expected, VolumeTestData.Loop(n, t => st.Update(d.High[t], d.Low[t], d.Close[t], d.Volume[t])),
                Indicators.MfiLookback(p), 1e-10, 1e-10, $"mfi{p}");
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Cmf_and_vwap_equal_window_sums_and_state(string input)
    {
        var d = VolumeTestData.Get(input);
        int n = d.Length;
        foreach (int p in new[] { 1, 20 })
        {
            var cmf = new double[n];
            var vwap = new double[n];
            Indicators.Cmf(d.High, d.Low, d.Close, d.Volume, p, cmf);
            Indicators.Vwap(d.High, d.Low, d.Close, d.Volume, p, vwap);
            var expectedCmf = VolumeTestData.Windowed(n, p, t =>
            {
                double num = 0, den = 0;
                for (int j = t - p + 1; j <= t; j++)
                {
                    double h = d.High[j], l = d.Low[j], c = d.Close[j], v = d.Volume[j];
                    double mfm = h - l > 0 ? ((c - l) - (h - c)) / (h - l) : 0;
                    num += AnyNaN(h, l, c, v) ? double.NaN : mfm * v;
                    den += v;
                }

                return den == 0 ? double.NaN : num / den;
            });
            var expectedVwap = VolumeTestData.Windowed(n, p, t =>
            {
                double num = 0, den = 0;
                for (int j = t - p + 1; j <= t; j++)
                {
                    num += (d.High[j] + d.Low[j] + d.Close[j]) / 3 * d.Volume[j];
                    den += d.Volume[j];
                }

                return den == 0 ? double.NaN : num / den;
            });
            var sc = new CmfState(p);
            var sv = new VwapState(p);
            Verify(d, cmf, expectedCmf, VolumeTestData.Loop(n, t => sc.Update(d.High[t], d.Low[t], d.Close[t], d.Volume[t])),
                Indicators.CmfLookback(p), 1e-9, 1e-12, $"cmf{p}");
            Verify(d, vwap, expectedVwap, VolumeTestData.Loop(n, t => sv.Update(d.High[t], d.Low[t], d.Close[t], d.Volume[t])),
                Indicators.VwapLookback(p), 1e-12, 1e-12, $"vwap{p}");
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Vwap_session_restarts_at_utc_midnight(string input)
    {
        var d = VolumeTestData.Get(input);
        int n = d.Length;
        var got = new double[n];
        Indicators.VwapSession(d.Time, d.High, d.Low, d.Close, d.Volume, got);
        // Reference: for each bar, sum over the earlier bars of the same UTC date (DateTimeOffset), skipping NaN bars.
        var expected = new double[n];
        for (int t = 0; t < n; t++)
        {
            var day = DateTimeOffset.FromUnixTimeMilliseconds(d.Time[t]).UtcDateTime.Date;
            double pv = 0, vol = 0;
            for (int j = t; j >= 0 && DateTimeOffset.FromUnixTimeMilliseconds(d.Time[j]).UtcDateTime.Date == day; j--)
            {
                double x = (d.High[j] + d.Low[j] + d.Close[j]) / 3 * d.Volume[j];
                if (!double.IsNaN(x))
                {
                    pv += x;
                    vol += d.Volume[j];
                }
            }

            double own = (d.High[t] + d.Low[t] + d.Close[t]) * d.Volume[t];
            expected[t] = double.IsNaN(own) || vol == 0 ? double.NaN : pv / vol;
        }

        var st = new VwapSessionState();
        Verify(d, got, expected, VolumeTestData.Loop(n, t => st.Update(d.Time[t], d.High[t], d.Low[t], d.Close[t], d.Volume[t])),
            Indicators.VwapSessionLookback(), 1e-12, 1e-12, "vwap_session");
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Price_volume_correlation_equals_two_pass_pearson_and_state(string input)
    {
        var d = VolumeTestData.Get(input);
        int n = d.Length;
        // Periods ≥ 5: with 2 or 3 points a window whose values nearly coincide makes the correlation ill-conditioned
        // (the hand-computed cases cover the small periods).
        foreach (int p in new[] { 5, 20 })
        {
            var got = new double[n];
            Indicators.PriceVolumeCorrelation(d.Close, d.Volume, p, got);
            var expected = VolumeTestData.Windowed(n, p, t => Pearson(d.Close.AsSpan(t - p + 1, p).ToArray(),
                d.Volume.AsSpan(t - p + 1, p).ToArray().Select(v => Math.Log(v + 1)).ToArray()));
            var st = new PriceVolumeCorrelationState(p);
            Verify(d, got, expected, VolumeTestData.Loop(n, t => st.Update(d.Close[t], d.Volume[t])),
                Indicators.PriceVolumeCorrelationLookback(p), 0, 1e-9, $"pvcorr{p}");
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Rolling_covariance_and_correlation_equal_two_pass_and_state(string input)
    {
        var d = VolumeTestData.Get(input);
        int n = d.Length;
        var x = d.Close;
        var y = d.High.Zip(d.Low, (h, l) => h - l).ToArray();
        foreach (int p in new[] { 5, 20, 100 })
        {
            foreach (int ddof in new[] { 0, 1 })
            {
                var cov = new double[n];
                var corr = new double[n];
                Indicators.RollingCovariance(x, y, p, ddof, cov);
                Indicators.RollingCorrelation(x, y, p, corr);
                var expectedCov = VolumeTestData.Windowed(n, p, t => Covariance(x.AsSpan(t - p + 1, p).ToArray(), y.AsSpan(t - p + 1, p).ToArray(), ddof));
                var expectedCorr = VolumeTestData.Windowed(n, p, t => Pearson(x.AsSpan(t - p + 1, p).ToArray(), y.AsSpan(t - p + 1, p).ToArray()));
                double scale = expectedCov.Where(v => !double.IsNaN(v)).Select(Math.Abs).DefaultIfEmpty(1).Average();
                var st = new RollingCovarianceState(p, ddof);
                var sCov = new double[n];
                var sCorr = new double[n];
                for (int t = 0; t < n; t++)
                {
                    st.Update(x[t], y[t]);
                    sCov[t] = st.Covariance;
                    sCorr[t] = st.Correlation;
                }

                // O(1) updates carry rounding relative to the series' typical co-moment: tolerance 1e-9 of that scale.
                Verify(d, cov, expectedCov, sCov, Indicators.RollingCovarianceLookback(p), 1e-9, 1e-9 * scale, $"cov{p}/{ddof}");
                Verify(d, corr, expectedCorr, sCorr, Indicators.RollingCovarianceLookback(p), 0, 1e-9, $"corr{p}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Rolling_sum_ratio_equals_window_sums_and_state(string input)
    {
        var d = VolumeTestData.Get(input);
        int n = d.Length;
        var a = d.TakerBuy.Zip(d.Volume, (tb, v) => (2 * tb) - v).ToArray();
        foreach (int p in new[] { 1, 3, 20, 300 })
        {
            var got = new double[n];
            Indicators.RollingSumRatio(a, d.Volume, p, got);
            var expected = VolumeTestData.Windowed(n, p, t =>
            {
                double num = 0, den = 0;
                for (int j = t - p + 1; j <= t; j++)
                {
                    num += a[j];
                    den += d.Volume[j];
                }

                return den == 0 ? double.NaN : num / den;
            });
            var st = new RollingSumRatioState(p);
            Verify(d, got, expected, VolumeTestData.Loop(n, t => st.Update(a[t], d.Volume[t])), Indicators.RollingSumRatioLookback(p), 1e-9, 1e-12, $"ratio{p}");
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Roll_spread_equals_sample_covariance_of_consecutive_changes(string input)
    {
        var d = VolumeTestData.Get(input);
        int n = d.Length;
        var c = d.Close;
        foreach (int p in new[] { 2, 20 })
        {
            var got = new double[n];
            Indicators.RollSpread(c, p, got);
            var expected = new double[n];
            for (int t = 0; t < n; t++)
            {
                expected[t] = double.NaN;
                if (t < p + 1)
                {
                    continue;
                }

                var dx = new double[p];
                var dy = new double[p];
                for (int k = 0; k < p; k++)
                {
                    int i = t - p + 1 + k;
                    dx[k] = c[i] - c[i - 1];
                    dy[k] = c[i - 1] - c[i - 2];
                }

                double cov = Covariance(dx, dy, 1);
                expected[t] = double.IsNaN(cov) || double.IsNaN(c[t]) ? double.NaN : 2 * Math.Sqrt(Math.Max(0, -cov)) / c[t];
            }

            var st = new RollSpreadState(p);
            // The square root amplifies the rounding of a covariance near 0: absolute tolerance 1e-9 (spreads are ~1e-4).
            Verify(d, got, expected, VolumeTestData.Loop(n, t => st.Update(c[t])), Indicators.RollSpreadLookback(p), 1e-7, 1e-9, $"roll{p}");
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Corwin_schultz_equals_literal_formula_and_state(string input)
    {
        var d = VolumeTestData.Get(input);
        int n = d.Length;
        double k = 3 - (2 * Math.Sqrt(2));
        var s = new double[n];
        s[0] = double.NaN;
        for (int t = 1; t < n; t++)
        {
            double h = d.High[t], l = d.Low[t], hp = d.High[t - 1], lp = d.Low[t - 1];
            double beta = Math.Pow(Math.Log(h / l), 2) + Math.Pow(Math.Log(hp / lp), 2);
            double gamma = Math.Pow(Math.Log(Math.Max(h, hp) / Math.Min(l, lp)), 2);
            double alpha = ((Math.Sqrt(2 * beta) - Math.Sqrt(beta)) / k) - Math.Sqrt(gamma / k);
            double spread = 2 * (Math.Exp(alpha) - 1) / (1 + Math.Exp(alpha));
            s[t] = double.IsNaN(spread) ? double.NaN : Math.Max(0, spread);
        }

        foreach (int p in new[] { 1, 20 })
        {
            var got = new double[n];
            Indicators.CorwinSchultz(d.High, d.Low, p, got);
            var expected = VolumeTestData.Windowed(n, p, t => s.AsSpan(t - p + 1, p).ToArray().Average());
            var st = new CorwinSchultzState(p);
            Verify(d, got, expected, VolumeTestData.Loop(n, t => st.Update(d.High[t], d.Low[t])), Indicators.CorwinSchultzLookback(p), 1e-9, 1e-13, $"cs{p}");
            Assert.All(got.Where(v => !double.IsNaN(v)), v => Assert.True(v >= 0));
        }

        Assert.Contains(s, v => v == 0);
        Assert.Contains(s, v => v > 0);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Amihud_equals_mean_of_abs_return_per_traded_value(string input)
    {
        var d = VolumeTestData.Get(input);
        int n = d.Length;
        var dv = d.QuoteVolume ?? d.Close.Zip(d.Volume, (c, v) => c * v).ToArray();
        var got = new double[n];
        Indicators.Amihud(d.Close, dv, 20, got);
        var expected = VolumeTestData.Windowed(n, 21, t =>
        {
            double sum = 0;
            for (int j = t - 19; j <= t; j++)
            {
                sum += Math.Abs(Math.Log(d.Close[j] / d.Close[j - 1])) / dv[j];
            }

            return sum / 20;
        });
        var st = new AmihudState(20);
        // Values are ~1e-12: relative tolerance only.
        Verify(d, got, expected, VolumeTestData.Loop(n, t => st.Update(d.Close[t], dv[t])), Indicators.AmihudLookback(20), 1e-9, 1e-30, "amihud");
        Assert.All(got.Where(v => !double.IsNaN(v)), v => Assert.True(v >= 0));
        if (!d.Clean)
        {
            // The flat stretch of closes gives windows of zero returns: exactly 0, not a rounding residue.
            Assert.Contains(got, v => v == 0);
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Force_index_is_seeded_ema_of_raw_force(string input)
    {
        var d = VolumeTestData.Get(input);
        int n = d.Length;
        var got = new double[n];
        Indicators.ForceIndex(d.Close, d.Volume, 13, got);
        // Reference: TA-Lib's textbook EMA (SMA seed of 13 raw forces, ema += α (x − ema)), restarted after a NaN.
        var expected = new double[n];
        double alpha = 2.0 / 14, ema = double.NaN, seed = 0;
        int count = 0;
        for (int t = 0; t < n; t++)
        {
            double raw = t == 0 ? double.NaN : (d.Close[t] - d.Close[t - 1]) * d.Volume[t];
            if (double.IsNaN(raw))
            {
                count = 0;
                seed = 0;
                expected[t] = double.NaN;
                continue;
            }

            if (count < 13)
            {
                seed += raw;
                ema = ++count == 13 ? seed / 13 : double.NaN;
            }
            else
            {
                ema += alpha * (raw - ema);
            }

            expected[t] = ema;
        }

        double scale = expected.Where(v => !double.IsNaN(v)).Select(Math.Abs).Average();
        var st = new ForceIndexState(13);
        Verify(d, got, expected, VolumeTestData.Loop(n, t => st.Update(d.Close[t], d.Volume[t])), Indicators.ForceIndexLookback(13), 1e-12, 1e-12 * scale, "force");
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Relative_to_mean_equals_value_over_window_mean(string input)
    {
        var d = VolumeTestData.Get(input);
        int n = d.Length;
        foreach (int p in new[] { 1, 24 })
        {
            var got = new double[n];
            Indicators.RelativeToMean(d.Volume, p, got);
            var expected = VolumeTestData.Windowed(n, p, t => d.Volume[t] / d.Volume.AsSpan(t - p + 1, p).ToArray().Average());
            var st = new RelativeToMeanState(p);
            Verify(d, got, expected, VolumeTestData.Loop(n, t => st.Update(d.Volume[t])), Indicators.RelativeToMeanLookback(p), 1e-12, 1e-12, $"rel{p}");
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Order_flow_kernels_equal_their_definitions(string input)
    {
        var d = VolumeTestData.Get(input);
        int n = d.Length;
        var tb = d.TakerBuy;
        var v = d.Volume;

        var got = new double[n];
        Indicators.TakerBuyRatio(tb, v, got);
        Approx.Identical(VolumeTestData.Loop(n, t => tb[t] / v[t]), got, "taker_buy_ratio");
        Indicators.BuySellRatio(tb, v, got);
        Approx.Identical(VolumeTestData.Loop(n, t => tb[t] / (v[t] - tb[t])), got, "buy_sell_ratio");
        Indicators.AverageTradeSize(v, d.Trades, got);
        Approx.Identical(VolumeTestData.Loop(n, t => v[t] / d.Trades[t]), got, "avg_trade_size");

        var vpin = new double[n];
        Indicators.Vpin(tb, v, 50, vpin);
        var expectedVpin = VolumeTestData.Windowed(n, 50, t => Enumerable.Range(t - 49, 50).Average(j => Math.Abs((2 * tb[j]) - v[j]) / v[j]));
        var sv = new VpinState(50);
        Verify(d, vpin, expectedVpin, VolumeTestData.Loop(n, t => sv.Update(tb[t], v[t])), Indicators.VpinLookback(50), 1e-12, 1e-12, "vpin");

        var imbalance = new double[n];
        Indicators.TakerImbalance(tb, v, 20, imbalance);
        var expectedImbalance = VolumeTestData.Windowed(n, 20, t =>
            Enumerable.Range(t - 19, 20).Sum(j => (2 * tb[j]) - v[j]) / Enumerable.Range(t - 19, 20).Sum(j => v[j]));
        var si = new TakerImbalanceState(20);
        Verify(d, imbalance, expectedImbalance, VolumeTestData.Loop(n, t => si.Update(tb[t], v[t])), Indicators.TakerImbalanceLookback(20), 1e-9, 1e-12, "cvd_20");
        Assert.All(imbalance.Where(x => !double.IsNaN(x)), x => Assert.InRange(x, -1, 1));

        var cvd = new double[n];
        Indicators.Cvd(tb, v, cvd);
        // Reference: the exact sum (integers in units of 2^-80; every term here is a multiple of that unit), rounded once.
        var expectedCvd = new double[n];
        var exact = System.Numerics.BigInteger.Zero;
        double unit = Math.ScaleB(1, 80);
        for (int t = 0; t < n; t++)
        {
            double x = (2 * tb[t]) - v[t];
            if (double.IsNaN(x))
            {
                expectedCvd[t] = double.NaN;
                continue;
            }

            Assert.Equal(Math.Floor(x * unit), x * unit);
            exact += new System.Numerics.BigInteger(x * unit);
            expectedCvd[t] = (double)exact / unit;
        }

        var sc = new CvdState();
        Verify(d, cvd, expectedCvd, VolumeTestData.Loop(n, t => sc.Update(tb[t], v[t])), Indicators.CvdLookback(), 1e-15, 1e-9, "cvd");
    }

    // ---------- hand-computed cases ----------

    [Fact]
    public void Obv_by_hand()
    {
        double[] c = [10, 11, 11, 9, double.NaN, 12, 12.5];
        double[] v = [100, 20, 30, 5, 7, 8, 1];
        // 100 (first volume) | 11 > 10: +20 = 120 | unchanged: 120 | 9 < 11: −5 = 115 | NaN bar: NaN, nothing added |
        // 12 > 9 (last valid close): +8 = 123 | 12.5 > 12: +1 = 124.
        var d = new double[c.Length];
        Indicators.Obv(c, v, d);
        Approx.Identical([100, 120, 120, 115, double.NaN, 123, 124], d);
        // NaN before the first valid bar: the total starts at the first valid bar's volume.
        Indicators.Obv([double.NaN, 5, 4], [1, 2, 3], d.AsSpan(0, 3));
        Approx.Identical([double.NaN, 2, -1], d.AsSpan(0, 3));
    }

    [Fact]
    public void Ad_cmf_and_vwap_by_hand()
    {
        double[] h = [12, 10, 10, 14];
        double[] l = [8, 10, 6, 10];
        double[] c = [11, 10, 6, 13];
        double[] v = [100, 50, 10, 20];
        // MFV: ((11−8) − (12−11)) / 4 · 100 = 50 | H = L: 0 | ((6−6) − (10−6)) / 4 · 10 = −10 | ((13−10) − (14−13)) / 4 · 20 = 10.
        var d = new double[4];
        Indicators.Ad(h, l, c, v, d);
        Approx.Identical([50, 50, 40, 50], d);
        // CMF(2): t=1: (50 + 0) / 150 = 1/3; t=2: (0 − 10) / 60 = −1/6; t=3: (−10 + 10) / 30 = 0.
        Indicators.Cmf(h, l, c, v, 2, d);
        Approx.Equal([double.NaN, 1.0 / 3, -1.0 / 6, 0], d, 1e-15, 1e-15);
        // TP: 31/3, 10, 22/3, 37/3. VWAP(2): t=1: (3100/3 + 500)/150 = 4600/450; t=2: (500 + 220/3)/60 = 1720/180;
        // t=3: (220/3 + 740/3)/30 = 320/30.
        Indicators.Vwap(h, l, c, v, 2, d);
        Approx.Equal([double.NaN, 4600.0 / 450, 1720.0 / 180, 320.0 / 30], d, 1e-15, 1e-15);
        // Zero volume over the window: NaN, not ±∞ (and not 0/0 rounding noise).
        Indicators.Vwap([2, 2, 2, 2], [1, 1, 1, 1], [1.5, 1.5, 1.5, 1.5], [5, 0, 0, 3], 2, d);
        Approx.Identical([double.NaN, 1.5, double.NaN, 1.5], d);
    }

    [Fact]
    public void Adosc_by_hand_with_small_periods()
    {
        // AD values 50, 50, 40, 50, 70 from bars built so that MFV = 50, 0, −10, 10, 20 (H − L = 4, V chosen).
        double[] h = [12, 10, 10, 14, 14];
        double[] l = [8, 10, 6, 10, 10];
        double[] c = [11, 10, 6, 13, 14];
        double[] v = [100, 50, 10, 20, 20];
        // ADOSC(2, 3): k_fast = 2/3, k_slow = 1/2; seed fast = slow = 50 at t=0; output from t = 2.
        // t=1: fast = 2/3·50 + 1/3·50 = 50, slow = 50. t=2: fast = 2/3·40 + 1/3·50 = 130/3, slow = 45 → −5/3.
        // t=3: fast = 2/3·50 + 1/3·130/3 = 430/9, slow = 47.5 → 430/9 − 47.5 = 5/18.
        // t=4: AD = 50 + ((14−10) − 0)/4·20 = 70: fast = 2/3·70 + 1/3·430/9 = 1690/27, slow = 58.75 → 1690/27 − 58.75.
        var d = new double[5];
        Indicators.Adosc(h, l, c, v, 2, 3, d);
        Approx.Equal([double.NaN, double.NaN, -5.0 / 3, 5.0 / 18, (1690.0 / 27) - 58.75], d, 1e-13, 1e-13);
        Assert.Equal(2, Indicators.AdoscLookback(2, 3));
        // A NaN AD value restarts the seeding: NaN, then seed, then 2 more values before the next output.
        Indicators.AdoscFromAd([1, 2, 3, double.NaN, 4, 5, 6, 7], 2, 3, d = new double[8]);
        Assert.True(double.IsNaN(d[3]) && double.IsNaN(d[4]) && double.IsNaN(d[5]) && !double.IsNaN(d[6]));
    }

    [Fact]
    public void Mfi_by_hand()
    {
        // H = L = C so TP = C. TP: 10, 11, 11, 9, 10; V: 1, 2, 3, 4, 5.
        // Flows: t=1 up 22, t=2 unchanged 0, t=3 down 36, t=4 up 50.
        // MFI(2): t=2: pos 22, neg 0 → 100; t=3: pos 0, neg 36 → 0; t=4: pos 50, neg 36 → 5000/86.
        double[] tp = [10, 11, 11, 9, 10];
        double[] v = [1, 2, 3, 4, 5];
        var d = new double[5];
        Indicators.Mfi(tp, tp, tp, v, 2, d);
        Approx.Equal([double.NaN, double.NaN, 100, 0, 5000.0 / 86], d, 1e-14, 1e-14);
        // TA-Lib: 0 when the window's total flow is below 1. Volumes 1, 1, 0.05, 0.03, 1 → flows t=1 up 11, t=2 unchanged 0,
        // t=3 down 9·0.03 = 0.27, t=4 up 10: t=2 → 100; t=3: total 0.27 < 1 → 0; t=4: 100·10 / 10.27.
        Indicators.Mfi(tp, tp, tp, [1, 1, 0.05, 0.03, 1], 2, d);
        Approx.Equal([double.NaN, double.NaN, 100, 0, 100.0 * 10 / (10 + (9 * 0.03))], d, 1e-14, 1e-14);
    }

    [Fact]
    public void Mfi_after_a_gap_equals_a_fresh_start()
    {
        var f = TestData.Synthetic(1200, 21);
        var c = f.Close.ToArray();
        c[100] = double.NaN;
        var got = new double[c.Length];
        Indicators.Mfi(f.High, f.Low, c, f.Volume, 14, got);
        var fresh = new double[c.Length - 101];
        Indicators.Mfi(f.High[101..], f.Low[101..], c.AsSpan(101), f.Volume[101..], 14, fresh);
        // Flows 100 and 101 need TP_100: NaN through t = 114, then the window sums are rebuilt from the window.
        Assert.All(got.AsSpan(100, 15).ToArray(), v => Assert.True(double.IsNaN(v)));
        Approx.Identical(fresh.AsSpan(14, 1024 - 115).ToArray(), got.AsSpan(115, 1024 - 115).ToArray(), "mfi after gap");
    }

    [Fact]
    public void Vwap_session_by_hand_restarts_at_midnight()
    {
        long midnight = new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        long hour = 3_600_000;
        long[] time = [midnight - (2 * hour), midnight - hour, midnight, midnight + hour, midnight + (2 * hour)];
        double[] p = [10, 20, 30, 40, 50];
        double[] v = [1, 3, 0, 2, double.NaN];
        // Day 1: 10 | (10 + 60) / 4 = 17.5. Day 2: volume 0 → NaN | (0 + 80) / 2 = 40 | NaN bar → NaN.
        var d = new double[5];
        Indicators.VwapSession(time, p, p, p, v, d);
        Approx.Identical([10, 17.5, double.NaN, 40, double.NaN], d);
        // Before 1970 (negative times) and across the epoch: 1969-12-31 22:00 and 23:00 form one session, 00:00 the next.
        Indicators.VwapSession([-2 * hour, -hour, 0], [10, 20, 30], [10, 20, 30], [10, 20, 30], [1, 1, 1], d.AsSpan(0, 3));
        Approx.Identical([10, 15, 30], d.AsSpan(0, 3));
        // Extreme times never hang or throw.
        Indicators.VwapSession([long.MaxValue - 1, long.MaxValue], [1, 2], [1, 2], [1, 2], [1, 1], d.AsSpan(0, 2));
        Approx.Identical([1, 1.5], d.AsSpan(0, 2));
    }

    [Fact]
    public void Roll_spread_and_covariance_by_hand()
    {
        // Closes 100, 101, 100, 101, 100: ΔC = +1, −1, +1, −1. Pairs (ΔC_t, ΔC_(t−1)) from t = 2: (−1, 1), (1, −1), (−1, 1).
        // Period 2 at t = 3: pairs (−1, 1), (1, −1): means 0, cov = (−1 + −1)/(2 − 1) = −2 → 2√2 / 101.
        // t = 4: pairs (1, −1), (−1, 1): cov = −2 → 2√2 / 100.
        double[] c = [100, 101, 100, 101, 100];
        var d = new double[5];
        Indicators.RollSpread(c, 2, d);
        Approx.Equal([double.NaN, double.NaN, double.NaN, 2 * Math.Sqrt(2) / 101, 2 * Math.Sqrt(2) / 100], d, 1e-15, 1e-15);
        // Trending closes: positive serial covariance → spread 0; a flat stretch: covariance exactly 0 → spread 0.
        Indicators.RollSpread([1, 2, 4, 7, 11], 2, d);
        Assert.Equal(0, d[4]);
        Indicators.RollSpread([5, 5, 5, 5, 5], 2, d);
        Assert.Equal(0, d[4]);

        // Correlation: x = 1, 2, 3, y = 2, 4, 7 → dx = −1, 0, 1; dy = −7/3, −1/3, 8/3; Sxy = 5; Sxx = 2; Syy = 114/9 → r = 5 / √(2·114/9).
        var r = new double[3];
        Indicators.RollingCorrelation([1, 2, 3], [2, 4, 7], 3, r);
        Assert.Equal(5 / Math.Sqrt(2 * 114.0 / 9), r[2], 14);
        Indicators.RollingCovariance([1, 2, 3], [2, 4, 7], 3, 1, r);
        Assert.Equal(2.5, r[2], 14);
        // A constant series: correlation NaN, covariance exactly 0.
        Indicators.RollingCorrelation([0.1, 0.1, 0.1], [2, 4, 7], 3, r);
        Assert.True(double.IsNaN(r[2]));
        Indicators.RollingCovariance([0.1, 0.1, 0.1], [2, 4, 7], 3, 1, r);
        Assert.Equal(0, r[2]);
    }

    [Fact]
    public void Corwin_schultz_and_amihud_by_hand()
    {
        // Two bars with the same range [100, 102]: β = 2 ln(1.02)², γ = ln(1.02)², with a = ln 1.02:
        // α = (√2 − 1)·√2·a / (3 − 2√2) − a / √(3 − 2√2) = a (2 − √2 − √(3 − 2√2)) / (3 − 2√2) = a (2 − √2 − (√2 − 1)) / (3 − 2√2)
        //   = a (3 − 2√2) / (3 − 2√2) = a, so S = 2(e^a − 1)/(1 + e^a) = 2 (1.02 − 1) / 2.02 = 0.04 / 2.02.
        var d = new double[2];
        Indicators.CorwinSchultz([102, 102], [100, 100], 1, d);
        Assert.True(double.IsNaN(d[0]));
        Assert.Equal(0.04 / 2.02, d[1], 14);
        // A large gap between the bars (γ ≫ β) gives a negative estimate, floored at 0.
        Indicators.CorwinSchultz([102, 122], [100, 120], 1, d);
        Assert.Equal(0, d[1]);

        // Amihud(2): |ln(110/100)| / 1000, |ln(99/110)| / 0 → NaN term, |ln(99/99)| / 5 = 0.
        var a = new double[4];
        Indicators.Amihud([100, 110, 99, 99], [500, 1000, 0, 5], 2, a);
        Assert.True(double.IsNaN(a[2]) && double.IsNaN(a[3]));
        Indicators.Amihud([100, 110, 99, 99], [500, 1000, 2000, 5], 2, a);
        Approx.Equal([double.NaN, double.NaN, ((Math.Log(1.1) / 1000) + (Math.Log(110 / 99.0) / 2000)) / 2, Math.Log(110 / 99.0) / 2000 / 2], a, 1e-15, 0);
    }

    [Fact]
    public void Order_flow_by_hand()
    {
        double[] tb = [6, 2, 5, 0];
        double[] v = [10, 2, 0, 4];
        var d = new double[4];
        Indicators.TakerBuyRatio(tb, v, d);
        Approx.Identical([0.6, 1, double.NaN, 0], d);
        Indicators.BuySellRatio(tb, v, d);
        Approx.Identical([1.5, double.NaN, -1, 0], d);                // 6/4; no taker sell: NaN; tb > V is kept as data: 5/(0 − 5)
        Indicators.Cvd(tb, v, d);
        Approx.Identical([2, 4, 14, 10], d);                          // +2, +2, +10 (inconsistent bar kept as data), −4
        Indicators.Vpin(tb, v, 2, d);
        Approx.Identical([double.NaN, (0.2 + 1) / 2, double.NaN, double.NaN], d); // V = 0 → NaN term for 2 bars
        Indicators.TakerImbalance(tb, v, 2, d);
        Approx.Identical([double.NaN, 4.0 / 12, 12.0 / 2, 6.0 / 4], d);
        Indicators.AverageTradeSize(v, [5, 0, 1, 2], d);
        Approx.Identical([2, double.NaN, 0, 2], d);

        // Compensated cumulative sum: 1e16 + 1 − 1e16 = 1 exactly (a plain running sum gives 0).
        Indicators.Cvd([1e16, 1, 0], [1e16, 1, 1e16], d.AsSpan(0, 3));
        Assert.Equal(1, d[2]);
        // NaN bar: NaN, contributes nothing.
        Indicators.Cvd([1, double.NaN, 1], [1, 1, 3], d.AsSpan(0, 3));
        Approx.Identical([1, double.NaN, 0], d.AsSpan(0, 3));
    }

    [Fact]
    public void Force_index_and_price_volume_correlation_by_hand()
    {
        // Raw force: t=1: (11 − 10)·2 = 2, t=2: (9 − 11)·1 = −2, t=3: (12 − 9)·3 = 9.
        // EMA(2), α = 2/3: seed at t=2 = (2 − 2)/2 = 0; t=3: 0 + 2/3·(9 − 0) = 6.
        var d = new double[4];
        Indicators.ForceIndex([10, 11, 9, 12], [5, 2, 1, 3], 2, d);
        Approx.Equal([double.NaN, double.NaN, 0, 6], d, 1e-15, 1e-15);
        // ln(V + 1) = 0, ln 2, ln 4 (= 2 ln 2) against C = 1, 2, 3: y = ln2·(0, 1, 2) is linear in x → r = 1.
        Indicators.PriceVolumeCorrelation([1, 2, 3, 4], [0, 1, 3, 3], 3, d);
        Assert.Equal(1, d[2], 14);
        // Constant volume over the window → NaN.
        Indicators.PriceVolumeCorrelation([1, 2, 3, 4], [3, 3, 3, 3], 3, d);
        Assert.True(double.IsNaN(d[3]));
    }

    [Fact]
    public void Long_series_sums_do_not_drift()
    {
        // 300,000 bars at a price level of 1e5 with tiny variations, volumes switching between regimes 1,000× apart:
        // the last windows (across a regime switch) equal an exact recomputation.
        int n = 300_000;
        var rnd = new Random(9);
        var x = new double[n];
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = 1e5 + rnd.NextDouble();
            w[i] = i % 5000 < 4000 ? 1e3 * rnd.NextDouble() : rnd.NextDouble();
        }

        var xw = x.Zip(w, (a, b) => a * b).ToArray();
        var ratio = new double[n];
        var corr = new double[n];
        var cov = new double[n];
        Indicators.RollingSumRatio(xw, w, 20, ratio);
        Indicators.RollingCorrelation(x, w, 20, corr);
        Indicators.RollingCovariance(x, w, 20, 1, cov);
        for (int t = n - 1500; t < n; t++)
        {
            var xs = x.AsSpan(t - 19, 20).ToArray();
            var ws = w.AsSpan(t - 19, 20).ToArray();
            double r = xs.Zip(ws, (a, b) => a * b).Sum() / ws.Sum();
            Assert.True(Math.Abs(r - ratio[t]) <= 1e-11 * r, $"ratio[{t}] {ratio[t]:R} vs {r:R}");
            Assert.True(Math.Abs(Pearson(xs, ws) - corr[t]) <= 1e-9, $"corr[{t}] {corr[t]:R} vs {Pearson(xs, ws):R}");
            double c = Covariance(xs, ws, 1);
            double scale = Math.Sqrt(Covariance(xs, xs, 1) * Covariance(ws, ws, 1));
            Assert.True(Math.Abs(c - cov[t]) <= 1e-9 * scale, $"cov[{t}] {cov[t]:R} vs {c:R}");
        }
    }

    [Fact]
    public void Kernels_validate_arguments()
    {
        var a = new double[5];
        var shorter = new double[4];
        Assert.Throws<ArgumentException>(() => Indicators.Obv(a, shorter, a));
        Assert.Throws<ArgumentException>(() => Indicators.Ad(a, a, a, shorter, a));
        Assert.Throws<ArgumentException>(() => Indicators.Mfi(a, a, a, a, 14, shorter));
        Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.Mfi(a, a, a, a, 1, a));
        Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.Adosc(a, a, a, a, 3, 0, a));
        Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.Cmf(a, a, a, a, 0, a));
        Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.RollingCorrelation(a, a, 1, a));
        Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.RollingCovariance(a, a, 5, 5, a));
        Assert.Throws<ArgumentException>(() => Indicators.RollingSumRatio(a, shorter, 2, a));
        Assert.Throws<ArgumentException>(() => Indicators.VwapSession(new long[4], a, a, a, a, a));
        Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.RollSpread(a, 1, a));
        Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.Vpin(a, a, 0, a));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Indicators.AdoscLookback(1, 10));
        Assert.Equal("fastPeriod", ex.ParamName);
    }

    internal static double Pearson(double[] x, double[] y)
    {
        if (x.Concat(y).Any(double.IsNaN) || x.All(v => v == x[0]) || y.All(v => v == y[0]))
        {
            return double.NaN;
        }

        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxy / Math.Sqrt(sxx * syy);
    }

    internal static double Covariance(double[] x, double[] y, int ddof)
    {
        if (x.Concat(y).Any(double.IsNaN))
        {
            return double.NaN;
        }

        if (x.All(v => v == x[0]) || y.All(v => v == y[0]))
        {
            return 0;
        }

        double mx = x.Average(), my = y.Average();
        return x.Select((v, i) => (v - mx) * (y[i] - my)).Sum() / (x.Length - ddof);
    }
}

/// <summary>
/// Input columns for the volume-family tests: the seeded synthetic frame and the real BTCUSDT 1h sample, each clean and
/// with NaN holes (different hole patterns per column, plus the flat stretch of <see cref="Series.WithHoles"/>).
/// </summary>
public sealed class VolumeTestData
{
    private static readonly Dictionary<string, VolumeTestData> Cache = new(StringComparer.Ordinal);

    private VolumeTestData(string name, long[] time, double[] high, double[] low, double[] close, double[] volume, double[] takerBuy,
        double[] trades, double[]? quoteVolume)
    {
        Name = name;
        Time = time;
        High = high;
        Low = low;
        Close = close;
        Volume = volume;
        TakerBuy = takerBuy;
        Trades = trades;
        QuoteVolume = quoteVolume;
    }

    public string Name { get; }

    public long[] Time { get; }

    public double[] High { get; }

    public double[] Low { get; }

    public double[] Close { get; }

    public double[] Volume { get; }

    /// <summary>Taker-buy volume: the synthetic frame's column; for the real sample (which has none) a deterministic
    /// share 25 … 75 % of the bar's volume, so that the order-flow kernels also run on real volumes.</summary>
    public double[] TakerBuy { get; }

    public double[] Trades { get; }

    public double[]? QuoteVolume { get; }

    public int Length => Close.Length;

    public bool Clean => !Name.EndsWith("holes", StringComparison.Ordinal);

    public static IReadOnlyList<string> Names { get; } = ["synthetic", "synthetic-holes", "btc", "btc-holes"];

    public static TheoryData<string> All
    {
        get
        {
            var d = new TheoryData<string>();
            foreach (var n in Names)
            {
                d.Add(n);
            }

            return d;
        }
    }

    public static VolumeTestData Get(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var data))
            {
                data = Create(name);
                Cache[name] = data;
            }

            return data;
        }
    }

    private static VolumeTestData Create(string name)
    {
        bool holes = name.EndsWith("holes", StringComparison.Ordinal);
        VolumeTestData clean;
        if (name.StartsWith("synthetic", StringComparison.Ordinal))
        {
            var f = TestData.Synthetic(5000);
            clean = new VolumeTestData("synthetic", f.Time.ToArray(), f.High.ToArray(), f.Low.ToArray(), f.Close.ToArray(), f.Volume.ToArray(),
                f[MarketColumn.TakerBuyVolume].ToArray(), f[MarketColumn.Trades].ToArray(), f[MarketColumn.QuoteVolume].ToArray());
        }
        else
        {
            var f = TestData.LoadBinanceSample();
            var v = f.Volume.ToArray();
            var tb = new double[v.Length];
            var trades = new double[v.Length];
            for (int i = 0; i < v.Length; i++)
            {
                tb[i] = v[i] * (0.25 + (0.5 * (i * 0.6180339887498949 % 1.0)));
                trades[i] = Math.Max(1, Math.Round(v[i] / 3));
            }

            clean = new VolumeTestData("btc", f.Time.ToArray(), f.High.ToArray(), f.Low.ToArray(), f.Close.ToArray(), v, tb, trades, null);
        }

        if (!holes)
        {
            return clean;
        }

        return new VolumeTestData(name, clean.Time,
            Series.WithHoles(clean.High, 97, 3), Series.WithHoles(clean.Low, 89, 5), Series.WithHoles(clean.Close, 101, 7),
            Series.WithHoles(clean.Volume, 83, 11), Series.WithHoles(clean.TakerBuy, 79, 13), Series.WithHoles(clean.Trades, 73, 17),
            clean.QuoteVolume is null ? null : Series.WithHoles(clean.QuoteVolume, 71, 19));
    }

    /// <summary>Reference: f(t) for every t whose window [t − p + 1, t] lies in the series, NaN before.</summary>
    public static double[] Windowed(int n, int p, Func<int, double> f)
    {
        var r = new double[n];
        for (int t = 0; t < n; t++)
        {
            r[t] = t < p - 1 ? double.NaN : f(t);
        }

        return r;
    }

    /// <summary>Loops a streaming step over every index.</summary>
    public static double[] Loop(int n, Func<int, double> step)
    {
        var r = new double[n];
        for (int t = 0; t < n; t++)
        {
            r[t] = step(t);
        }

        return r;
    }

    public static double[] New(int n) => new double[n];
}
