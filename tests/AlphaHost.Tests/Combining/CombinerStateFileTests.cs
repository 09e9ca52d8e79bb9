using AlphaHost.Host.Combining;

namespace AlphaHost.Tests.Combining;

public sealed class CombinerStateFileTests : IDisposable
{
    private static readonly string[] Live = ["good", "bad", "noise"];
    private readonly string _folder = Directory.CreateTempSubdirectory("alphahost-combiner").FullName;

    private string StatePath => Path.Combine(_folder, "combiner.json");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SaveThenLoad_ARestartedCombiner_GivesTheWeightsOfAnUninterruptedOne()
    {
        var config = CombinerDays.Config();
        var days = CombinerDays.Days.Length - 1;
        var uninterrupted = LearnedWeightsTests.Run(new LearnedWeights(CombinerState.Empty), config, days, Live);
        var first = new LearnedWeights(() => CombinerState.Empty, CombinerStateSaved);
        for (var day = 0; day < 57; day++)
        {
            first.Weigh(CombinerDays.Days[day].Snapshot, CombinerDays.Outcomes(day, config, Live), config);
        }

        var (state, problem) = CombinerStateFile.Load(StatePath);
        var resumed = new LearnedWeights(state);
        for (var day = 57; day < days; day++)
        {
            var weighed = resumed.Weigh(CombinerDays.Days[day].Snapshot, CombinerDays.Outcomes(day, config, Live), config);
            Assert.Equal(uninterrupted[day].Select(o => o.Weight), weighed.Select(o => o.Weight));
        }

        Assert.Null(problem);
        Assert.NotEqual(new[] { 0.2, 0.4, 0.4 }, uninterrupted[^1].Select(o => o.Weight));
    }

    [Fact]
    public void Load_MissingFile_StartsEmptyAndSaysSo()
    {
        var (state, problem) = CombinerStateFile.Load(StatePath);

        Assert.Same(CombinerState.Empty, state);
        Assert.Contains("no combiner state at " + StatePath, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"layout\": 1, \"state\": {\"weights\": {\"good\": 0.5}")]
    [InlineData("not json at all")]
    [InlineData("{\"layout\": 2, \"state\": {\"days_since_update\": 0, \"weights\": {}, \"closes\": {}, \"families\": {}}}")]
    [InlineData("{\"layout\": 1, \"state\": {\"days_since_update\": 0, \"weights\": {\"good\": -1}, \"closes\": {}, \"families\": {}}}")]
    [InlineData("{\"layout\": 1, \"state\": {\"days_since_update\": 0, \"weights\": {}, \"closes\": {\"AAA\": 0}, \"families\": {}}}")]
    [InlineData("{\"layout\": 1}")]
    public void Load_CorruptFile_StartsEmptyAndNamesTheFile(string text)
    {
        File.WriteAllText(StatePath, text);

        var (state, problem) = CombinerStateFile.Load(StatePath);

        Assert.Same(CombinerState.Empty, state);
        Assert.Contains("combiner state " + StatePath, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem!);
    }

    [Fact]
    public void Load_AValidFile_IsNotCalledCorrupt()
    {
        File.WriteAllText(StatePath, "{\"layout\": 1, \"state\": {\"last_date\": \"2015-03-02\", \"days_since_update\": 2, \"weights\": {\"good\": 0.5}, \"closes\": {\"AAA\": 10}, \"families\": {\"good\": {\"returns\": [0.01], \"positions\": {\"AAA\": 0.5}, \"turnover\": 1}}}}");

        var (state, problem) = CombinerStateFile.Load(StatePath);

        Assert.Null(problem);
        Assert.Equal(new DateOnly(2015, 3, 2), state.LastDate);
        Assert.Equal([0.01], state.Families["good"].Returns);
    }

    private void CombinerStateSaved(CombinerState state) => CombinerStateFile.Save(StatePath, state);
}
