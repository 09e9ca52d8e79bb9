using AlphaHost.Abstractions;
using AlphaHost.Host.Internal;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Plugins;
using AlphaHost.Host.Workers;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Families;

/// <summary>
/// A family in the host's own process (<c>isolation: in_process</c>, for trusted code). Every call runs on the thread
/// pool under its budget and is abandoned, never waited for, when the budget runs out; the signals are copied into a
/// host-owned dictionary inside the call. Not contained here: a crash of the process (a throw on a thread the family
/// started, <c>Environment.Exit</c>, <c>FailFast</c>, a stack overflow), writes into the bars it was handed, threads or
/// memory it keeps, and a thread a hung call holds for good.
/// </summary>
internal sealed class InProcessEndpoint : IFamilyEndpoint
{
    private static readonly TimeSpan DisposeBudget = TimeSpan.FromSeconds(5);
    private readonly IAlphaFamily _family;
    private readonly PluginLoader? _loader;
    private Task? _pending;

    private InProcessEndpoint(IAlphaFamily family, PluginLoader? loader, FamilyHealth health, IReadOnlyList<string> unread)
    {
        _family = family;
        _loader = loader;
        Health = health;
        UnreadKeys = unread;
    }

    public string Description => "in process";

    public FamilyHealth Health { get; private set; }

    public IReadOnlyList<string> UnreadKeys { get; }

    public bool IsBusy => _pending is { IsCompleted: false };

    public string? Fault => null;

    /// <summary>The family as the plugin exposes it (offline commands and tests).</summary>
    public IAlphaFamily Family => _family;

    /// <summary>An endpoint over a family that is already constructed and initialized (tests, offline tools).</summary>
    public static InProcessEndpoint ForInstance(IAlphaFamily family) => new(family, null, ReadHealth(family), []);

    /// <summary>Loads the plugin in its own load context, constructs and initializes the family, all within <paramref name="budget"/>.</summary>
    public static async Task<InProcessEndpoint> StartAsync(FamilyStartRequest request, Configuration.PluginTrustOptions trust, ILoggerFactory loggerFactory,
        TimeProvider clock, TimeSpan budget, CancellationToken cancellationToken)
    {
        var work = Task.Run(async () =>
        {
            PluginLoader? loader = null;
            try
            {
                var (assembly, _) = PluginAssembly.Open(request.PluginFolder, trust, out loader);
                var family = FamilyActivator.Activate(request.PluginFolder, assembly, loggerFactory, clock, request.Family, instance: request.Instance)[0].Family;
                Directory.CreateDirectory(request.StateDirectory);
                var context = new FamilyContext(request.Family, request.Settings, loggerFactory.CreateLogger(LoggingCategories.FamilyPrefix + request.Instance), clock,
                    request.PluginFolder, request.StateDirectory);
                await family.InitializeAsync(context, CancellationToken.None).ConfigureAwait(false);
                return new InProcessEndpoint(family, loader, ReadHealth(family), request.Settings.UnreadKeys.ToArray());
            }
            catch
            {
                loader?.Dispose();
                throw;
            }
        });
        try
        {
            return await work.WaitAsync(budget, clock, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            _ = work.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new FamilyStartException($"did not initialize within {budget.TotalMilliseconds:0} ms");
        }
        catch (PluginLoadException ex)
        {
            throw new FamilyStartException(ex.Reason);
        }
        catch (Exception ex)
        {
            throw new FamilyStartException($"failed to initialize: {ex.GetType().Name}: {ex.Message}");
        }
    }

    public async Task<ComputeResult> ComputeAsync(CycleInput input, TimeSpan budget)
    {
        if (IsBusy)
        {
            return new ComputeResult(CallStatus.Busy, ComputeResult.NoSignals, Health, Error: "still running an earlier cycle's computation");
        }

        var known = input.Symbols;
        var task = TimeBudget.Start(ct => FamilyCall.ComputeAsync(_family, input.Snapshot, known, ct), CancellationToken.None, out var cts);
        try
        {
            var result = await task.WaitAsync(budget > TimeSpan.Zero ? budget : TimeSpan.Zero).ConfigureAwait(false);
            cts.Dispose();
            Health = result.Health;
            return result;
        }
        catch (TimeoutException)
        {
            await cts.CancelAsync().ConfigureAwait(false);
            _pending = task;
            return new ComputeResult(CallStatus.TimedOut, ComputeResult.NoSignals, Health, Error: $"did not finish within its {budget.TotalMilliseconds:0} ms budget");
        }
        catch (Exception ex)
        {
            cts.Dispose();
            return new ComputeResult(CallStatus.Failed, ComputeResult.NoSignals, Health, Error: $"threw {ex.GetType().Name}: {ex.Message}",
                OutOfMemory: ex is OutOfMemoryException);
        }
    }

    public async Task<FamilyHealth> RefreshHealthAsync(TimeSpan budget)
    {
        if (IsBusy)
        {
            return Health;
        }

        var task = Task.Run(() => ReadHealth(_family));
        try
        {
            Health = await task.WaitAsync(budget).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _pending = task;
        }

        return Health;
    }

    public async Task<ConfigureResult> ConfigureAsync(FamilySettings settings, TimeSpan budget)
    {
        var task = Task.Run(() => _family.Configure(settings));
        try
        {
            await task.WaitAsync(budget).ConfigureAwait(false);
            return ConfigureResult.Applied;
        }
        catch (TimeoutException)
        {
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return new ConfigureResult($"{settings.Path}: the family did not apply its settings within {budget.TotalMilliseconds:0} ms");
        }
        catch (FamilySettingsException ex)
        {
            return new ConfigureResult(ex.Message);
        }
        catch (Exception ex)
        {
            return new ConfigureResult($"{settings.Path}: the family refused its settings: {ex.Message}");
        }
    }

    public async Task StopAsync(TimeSpan budget)
    {
        var task = Task.Run(async () => await _family.DisposeAsync().ConfigureAwait(false));
        try
        {
            await task.WaitAsync(budget < DisposeBudget ? budget : DisposeBudget).ConfigureAwait(false);
        }
        catch (Exception)
        {
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        _loader?.Dispose();
    }

    public ValueTask DisposeAsync() => new(StopAsync(DisposeBudget));

    /// <summary>The family's own health; a plugin whose getter throws or returns null is reported degraded.</summary>
    internal static FamilyHealth ReadHealth(IAlphaFamily family)
    {
        try
        {
            return family.Health ?? new FamilyHealth(FamilyState.Degraded, 0, "health unavailable");
        }
        catch (Exception ex)
        {
            return new FamilyHealth(FamilyState.Degraded, 0, $"health threw {ex.GetType().Name}");
        }
    }
}
