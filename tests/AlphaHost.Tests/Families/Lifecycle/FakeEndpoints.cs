using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Families;
using AlphaHost.Host.Workers;

namespace AlphaHost.Tests.Families.Lifecycle;

/// <summary>An endpoint the test drives: what each cycle answers, whether it takes its settings, and whether it was stopped.</summary>
internal sealed class FakeEndpoint(string build) : IFamilyEndpoint
{
    public string Build { get; } = build;

    public string Description => $"fake {Build}";

    public FamilyHealth Health { get; set; } = FamilyHealth.Ok;

    public IReadOnlyList<string> UnreadKeys => [];

    public bool IsBusy => false;

    public string? Fault => null;

    /// <summary>How each cycle ends.</summary>
    public CallStatus Answer { get; set; } = CallStatus.Ok;

    /// <summary>Refuses settings whose section holds this key set to this value (e.g. <c>lookback_days=-1</c>).</summary>
    public (string Key, string Value)? Refuses { get; set; }

    /// <summary>Every settings section handed to it, in order (as the section's values).</summary>
    public List<IReadOnlyDictionary<string, string>> Configured { get; } = [];

    public bool Stopped { get; private set; }

    public Task<ComputeResult> ComputeAsync(CycleInput input, TimeSpan budget) => Task.FromResult(Answer == CallStatus.Ok
        ? new ComputeResult(CallStatus.Ok, new Dictionary<string, double> { ["AAA"] = 0.1 }, Health)
        : new ComputeResult(Answer, ComputeResult.NoSignals, Health, Error: "threw InvalidOperationException: broken"));

    public Task<FamilyHealth> RefreshHealthAsync(TimeSpan budget) => Task.FromResult(Health);

    public Task<ConfigureResult> ConfigureAsync(FamilySettings settings, TimeSpan budget)
    {
        IReadOnlyDictionary<string, string> values = settings.Keys.ToDictionary(k => k, k => settings.GetString(k, ""), StringComparer.Ordinal);
        Configured.Add(values);
        return Task.FromResult(Refuses is { } refused && values.TryGetValue(refused.Key, out var value) && value == refused.Value
            ? new ConfigureResult($"{settings.Path}.{refused.Key}: must be positive")
            : ConfigureResult.Applied);
    }

    public Task StopAsync(TimeSpan budget)
    {
        Stopped = true;
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A starter whose starts the test completes (or fails) by hand, recording what each was asked to start.</summary>
internal sealed class ManualStarter : IFamilyStarter
{
    public List<(FamilyStartRequest Request, TaskCompletionSource<IFamilyEndpoint> Start)> Starts { get; } = [];

    public Task<IFamilyEndpoint> StartAsync(FamilySlot slot, FamilyStartRequest request, AlphaHostConfig config, CancellationToken cancellationToken)
    {
        var start = new TaskCompletionSource<IFamilyEndpoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        Starts.Add((request, start));
        return start.Task;
    }

    /// <summary>Completes the latest start with a fake endpoint of the build it was asked for.</summary>
    public FakeEndpoint Succeed()
    {
        var (request, start) = Starts[^1];
        var endpoint = new FakeEndpoint(request.PluginFolder);
        start.SetResult(endpoint);
        return endpoint;
    }

    public void Fail(string reason) => Starts[^1].Start.SetException(new FamilyStartException(reason));
}
