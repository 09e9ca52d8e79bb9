using AlphaHost.Plugins.MlAlpha.Drift;
using TrainingReference = AlphaHost.Plugins.MlAlpha.Models.FeatureReference;

namespace AlphaHost.Tests.Families.MlAlpha;

public sealed class DriftMonitorTests
{
    // One feature, deciles at 1..9: values 0.5, 1.5, ..., 9.5 fall one in each bucket, as in training.
    private static readonly DriftReference Reference = DriftReference.From(
        new Dictionary<string, TrainingReference> { ["x"] = new([1, 2, 3, 4, 5, 6, 7, 8, 9], Enumerable.Repeat(0.1, 10).ToArray(), 5, 2.9) }, ["x"])!;

    [Fact]
    public void Psi_LiveRowsLikeTraining_IsNearZero()
    {
        var monitor = new DriftMonitor(features: 1, window: 3) { MinRows = 10 };
        Feed(monitor, cycles: 5, value: b => b + 0.5f);

        Assert.InRange(monitor.Psi()![0], 0.0, 1e-9);
    }

    [Fact]
    public void Psi_DriftedCyclesThatLeftTheWindow_NoLongerCount()
    {
        var monitor = new DriftMonitor(features: 1, window: 3) { MinRows = 10 };
        Feed(monitor, cycles: 3, value: _ => 9.5f);
        var drifted = monitor.Psi()![0];

        Feed(monitor, cycles: 3, value: b => b + 0.5f);

        Assert.True(drifted > 1.0, $"psi {drifted}");
        Assert.InRange(monitor.Psi()![0], 0.0, 1e-9);
    }

    [Fact]
    public void Psi_FewerRowsThanTheMinimum_IsNotReported()
    {
        var monitor = new DriftMonitor(features: 1, window: 3) { MinRows = 100 };
        Feed(monitor, cycles: 3, value: b => b + 0.5f);

        Assert.Null(monitor.Psi());
    }

    private static void Feed(DriftMonitor monitor, int cycles, Func<int, float> value)
    {
        for (var c = 0; c < cycles; c++)
        {
            for (var b = 0; b < 10; b++)
            {
                monitor.Add(Reference, [value(b)]);
            }

            monitor.EndCycle();
        }
    }
}
