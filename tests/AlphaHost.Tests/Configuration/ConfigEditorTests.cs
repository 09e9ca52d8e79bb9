using AlphaHost.Host.Configuration;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Configuration;

public sealed class ConfigEditorTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task SetFeatureFlag_ChangesOnlyTheValueAndReturnsThePreviousOne()
    {
        var path = _dir.Write("golden.yaml", TestConfigs.GoldenBesideRuntime());
        var original = File.ReadAllText(path);

        var previous = await ConfigEditor.SetFeatureFlagAsync(path, "ml_enabled", true, TimeProvider.System);

        Assert.False(previous);
        Assert.Equal(original.Replace("ml_enabled: false  #", "ml_enabled: true  #"), File.ReadAllText(path));
    }

    [Theory]
    [InlineData("families:\n  ml_alpha:\n    enabled: true  # live\n  ml_candidate:\n    family: ml_alpha\n    enabled: true # shadow\n    signal:\n      enabled: x\n",
        "families:\n  ml_alpha:\n    enabled: true  # live\n  ml_candidate:\n    family: ml_alpha\n    enabled: false # shadow\n    signal:\n      enabled: x\n")]
    [InlineData("families:\n  ml_candidate:\n    family: ml_alpha\n    signal:\n      hold_days: 5\n  momentum:\n    weight: 1\n",
        "families:\n  ml_candidate:\n    enabled: false\n    family: ml_alpha\n    signal:\n      hold_days: 5\n  momentum:\n    weight: 1\n")]
    [InlineData("families:\n  ml_candidate: {family: ml_alpha, enabled: true, mode: shadow}  # candidate\n",
        "families:\n  ml_candidate: {family: ml_alpha, enabled: false, mode: shadow}  # candidate\n")]
    [InlineData("families:\n  ml_candidate: {family: ml_alpha, mode: shadow}\n", "families:\n  ml_candidate: {enabled: false, family: ml_alpha, mode: shadow}\n")]
    public async Task SetFamilyEnabled_ChangesOnlyThatInstancesEnabledKey(string before, string after)
    {
        var path = _dir.Write("golden.yaml", before);

        var previous = await ConfigEditor.SetFamilyEnabledAsync(path, "ml_candidate", false, TimeProvider.System);

        Assert.True(previous);
        Assert.Equal(after, File.ReadAllText(path));
    }

    [Fact]
    public async Task SetFamilyEnabled_NoSuchInstance_IsRefusedNamingTheKeyAndChangesNothing()
    {
        var path = _dir.Write("golden.yaml", "families:\n  ml_alpha:\n    weight: 1\n");

        var error = await Assert.ThrowsAsync<ConfigException>(() => ConfigEditor.SetFamilyEnabledAsync(path, "ml_candidate", false, TimeProvider.System));

        Assert.Equal("families.ml_candidate", error.KeyPath);
        Assert.Equal("families:\n  ml_alpha:\n    weight: 1\n", File.ReadAllText(path));
    }

    [Fact]
    public async Task SetFeatureFlag_WhileAnotherProgramRewritesTheFile_NeverReportsAChangeThatIsNotInTheFile()
    {
        var path = _dir.Write("golden.yaml", TestConfigs.GoldenBesideRuntime());
        using var writer = new RenameOnSaveWriter(path);
        var lost = new List<string>();
        var confirmed = 0;

        for (var i = 0; i < 30; i++)
        {
            var value = i % 2 == 0;
            writer.Resume();
            try
            {
                await ConfigEditor.SetFeatureFlagAsync(path, "ml_enabled", value, TimeProvider.System);
                writer.Pause();
                confirmed++;
                if (ConfigLoader.Load(path).Features["ml_enabled"].Value != value)
                {
                    lost.Add($"edit {i}: reported ml_enabled={value}, the file says otherwise");
                }
            }
            catch (ConfigEditConflictException)
            {
                writer.Pause();
            }
        }

        Assert.True(writer.Writes > 30, $"the other writer wrote {writer.Writes} times");
        Assert.Empty(lost);
        Assert.True(confirmed > 0, "the editor gets its change in between the other writer's saves");
    }

    [Fact]
    public async Task SetFeatureFlag_AnotherWriterSavesBetweenTheReadAndTheRename_TheirChangeIsKeptAndOursMadeOnTop()
    {
        var path = _dir.Write("golden.yaml", TestConfigs.GoldenBesideRuntime());
        var attempts = new List<int>();

        var previous = await ConfigEditor.SetFeatureFlagAsync(path, "ml_enabled", true, TimeProvider.System, attempt =>
        {
            attempts.Add(attempt);
            if (attempt == 1)
            {
                // An operator's sed -i lands after the editor read the file and before it renames its edit into place.
                File.WriteAllText(path, File.ReadAllText(path).Replace("use_regime_detection: true", "use_regime_detection: false", StringComparison.Ordinal));
            }
        });

        var config = ConfigLoader.Load(path);
        Assert.False(previous);
        Assert.Equal([1, 2], attempts);
        Assert.True(config.Features["ml_enabled"].Value);
        Assert.False(config.Features["use_regime_detection"].Value);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// What <c>while true; do sed -i 's/x/x/' golden.yaml; done</c> does: read the file, write the same text to a temp file,
    /// rename it over the file. A save that read the file before someone else's rename puts the old text back.
    /// </summary>
    private sealed class RenameOnSaveWriter : IDisposable
    {
        private readonly string _path;
        private readonly Thread _thread;
        private int _paused = 1;
        private int _busy;
        private int _stop;
        private int _writes;

        public RenameOnSaveWriter(string path)
        {
            _path = path;
            _thread = new Thread(Loop) { IsBackground = true };
            _thread.Start();
        }

        public int Writes => Volatile.Read(ref _writes);

        public void Resume() => Interlocked.Exchange(ref _paused, 0);

        /// <summary>Stops it and waits for the save in flight to land.</summary>
        public void Pause()
        {
            Interlocked.Exchange(ref _paused, 1);
            SpinWait.SpinUntil(() => Volatile.Read(ref _busy) == 0);
        }

        public void Dispose()
        {
            Interlocked.Exchange(ref _stop, 1);
            _thread.Join();
        }

        private void Loop()
        {
            var temp = _path + ".sed";
            while (Volatile.Read(ref _stop) == 0)
            {
                // Busy first, then look at the pause flag (both full fences): Pause either sees this save in flight or stops it.
                Interlocked.Exchange(ref _busy, 1);
                if (Volatile.Read(ref _paused) == 1)
                {
                    Interlocked.Exchange(ref _busy, 0);
                    Thread.Sleep(1);
                    continue;
                }

                var text = File.ReadAllText(_path);
                Thread.Sleep(5);
                File.WriteAllText(temp, text);
                File.Move(temp, _path, overwrite: true);
                Interlocked.Increment(ref _writes);
                Interlocked.Exchange(ref _busy, 0);
                Thread.Sleep(5);
            }
        }
    }
}
