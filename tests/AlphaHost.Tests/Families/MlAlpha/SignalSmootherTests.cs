using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha;
using AlphaHost.Plugins.MlAlpha.Signals;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Families.MlAlpha;

/// <summary>Turnover control: <c>signal.half_life_days</c> and <c>signal.hold_days</c>, the same live and in replays.</summary>
public sealed class SignalSmootherTests : IDisposable
{
    private static readonly DateOnly Day = new(2018, 1, 2);
    private readonly TempDir _dir = new();

    [Fact]
    public void Apply_HoldThreeDays_TradesTheMeanOfTheLastThreeDaysSignals()
    {
        var smoother = new SignalSmoother(new SmoothingOptions(0, 3));

        var traded = new[] { 0.3, 0.6, 0.9, -0.9 }.Select((s, i) => smoother.Apply("AAA", Day.AddDays(i), s)).ToArray();

        Assert.Equal([0.3, 0.45, 0.6, 0.2], traded, new Tolerance(1e-12));
    }

    [Fact]
    public void Apply_HalfLifeOneDay_HalvesTheWeightOfYesterdaysSmoothedSignal()
    {
        var smoother = new SignalSmoother(new SmoothingOptions(1, 1));

        var traded = new[] { 1.0, 0.0, 0.0 }.Select((s, i) => smoother.Apply("AAA", Day.AddDays(i), s)).ToArray();

        Assert.Equal([1.0, 0.5, 0.25], traded, new Tolerance(1e-12));
    }

    [Fact]
    public void Apply_SameDayTwice_ReplacesThatDaysValueInsteadOfCountingItAgain()
    {
        var smoother = new SignalSmoother(new SmoothingOptions(1, 2));
        smoother.Apply("AAA", Day, 1.0);
        smoother.Apply("AAA", Day.AddDays(1), 0.4);

        var again = smoother.Apply("AAA", Day.AddDays(1), 0.0);

        // Day two smoothed: 0.5 * 1.0 + 0.5 * 0.0 = 0.5; held with day one's 1.0: 0.75.
        Assert.Equal(0.75, again, 12);
        Assert.Equal(0.2, smoother.Apply("BBB", Day, 0.2), 12);
    }

    [Fact]
    public async Task ComputeAsync_HoldDays_TheFamilysSignalIsTheMeanOfItsLastDaysRawSignals()
    {
        var models = TrainedModels.CopyTo(_dir.File("models"));
        var held = await Family(models, "3");
        var raw = await Family(models, "1");
        var replay = new SampleReplay(400);
        var rawSignals = new List<IReadOnlyDictionary<string, double>>();
        IReadOnlyDictionary<string, double> heldSignals = new Dictionary<string, double>();

        for (var day = 0; day < 4; day++)
        {
            var snapshot = replay.Next();
            rawSignals.Add((await raw.ComputeAsync(snapshot, CancellationToken.None)).BySymbol);
            heldSignals = (await held.ComputeAsync(snapshot, CancellationToken.None)).BySymbol;
        }

        Assert.NotEmpty(heldSignals);
        foreach (var (symbol, signal) in heldSignals)
        {
            Assert.Equal(rawSignals.Skip(1).Average(s => s[symbol]), signal, 12);
        }
    }

    public void Dispose() => _dir.Dispose();

    private async Task<MlAlphaFamily> Family(string models, string holdDays)
    {
        var family = new MlAlphaFamily();
        var settings = new FamilySettings("families.ml_alpha", new Dictionary<string, string> { ["models_dir"] = models, ["signal.hold_days"] = holdDays });
        await family.InitializeAsync(new FamilyContext("ml_alpha", settings, new CapturingLogger(), new FakeTimeProvider(), AppContext.BaseDirectory, _dir.File($"state{holdDays}")), CancellationToken.None);
        family.LoadModels();
        return family;
    }

    private sealed class Tolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
