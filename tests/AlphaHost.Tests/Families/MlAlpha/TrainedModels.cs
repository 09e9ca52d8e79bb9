using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Plugins.MlAlpha.Training;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Families.MlAlpha;

/// <summary>
/// Models trained once per test run on the sample market the family tests replay (seed 7, 60 symbols), small enough to
/// train in seconds. Tests that change models work on a copy (<see cref="CopyTo"/>).
/// </summary>
internal static class TrainedModels
{
    public const int TrainingDays = 700;

    public static readonly string[] Symbols = ["AAA", "AAB", "AAC", "AAD", "AAE", "AAF"];

    public static readonly TrainingOptions FastTraining = new() { Trees = 20, Leaves = 7, MinRowsPerLeaf = 20, Parallelism = 2 };

    private static readonly Lazy<(string Folder, TrainingSummary Summary)> Trained = new(Train);

    public static FeatureContract Contract { get; } = FeatureContract.LoadNamed(Path.Combine(TestPaths.RepoRoot, "contracts"), "ml_v1");

    public static string Folder => Trained.Value.Folder;

    public static TrainingSummary Summary => Trained.Value.Summary;

    public static MarketHistory History(int days = TrainingDays) => SampleSnapshots.Market(days).History("sample(seed=7, symbols=60)");

    /// <summary>A private copy of the trained models folder (links kept as links, the switch journal with it).</summary>
    public static string CopyTo(string target)
    {
        Directory.CreateDirectory(target);
        foreach (var entry in Directory.EnumerateFileSystemEntries(Folder))
        {
            var name = Path.GetFileName(entry);
            var info = new DirectoryInfo(entry);
            if (info.LinkTarget is { } link)
            {
                Directory.CreateSymbolicLink(Path.Combine(target, name), link);
            }
            else if (File.Exists(entry))
            {
                File.Copy(entry, Path.Combine(target, name));
            }
            else
            {
                TempDir.CopyDirectory(entry, Path.Combine(target, name));
            }
        }

        return target;
    }

    private static (string, TrainingSummary) Train()
    {
        var folder = Path.Combine(Path.GetTempPath(), "alphahost-tests", "models-" + Guid.NewGuid().ToString("N")[..12]);
        var trainer = new ModelTrainer(Contract, FastTraining, new ModelStore(folder, "v1", TimeProvider.System), TimeProvider.System);
        var summary = trainer.TrainAsync(new TrainingRequest(History(), Symbols), null, CancellationToken.None).GetAwaiter().GetResult();
        return (folder, summary);
    }
}
