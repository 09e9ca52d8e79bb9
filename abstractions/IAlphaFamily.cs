namespace AlphaHost.Abstractions;

/// <summary>
/// One alpha family: turns the market snapshot of a cycle into one signal per symbol in [-1, 1].
/// A family is exported with <see cref="AlphaFamilyAttribute"/> and loaded by the host from its own plugin
/// load context. The host calls <see cref="InitializeAsync"/> once, <see cref="Configure"/> at start and on every
/// configuration change, and <see cref="ComputeAsync"/> once per cycle while the family is enabled.
/// </summary>
public interface IAlphaFamily : IAsyncDisposable
{
    /// <summary>Prepares the family; called once, before any other call.</summary>
    /// <param name="context">The family's logger, clock, folders and first settings.</param>
    /// <param name="cancellationToken">Cancelled when the host stops during start-up.</param>
    ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the family's own configuration section. Throws <see cref="FamilySettingsException"/> naming the
    /// key when a value is invalid; the host then keeps the previous settings in force.
    /// </summary>
    /// <param name="settings">The family's section of the host configuration.</param>
    void Configure(FamilySettings settings);

    /// <summary>
    /// Computes this cycle's signals. Symbols without a signal are neutral (0.0). Values outside [-1, 1] are
    /// clipped by the host; non-finite values are dropped and counted against the family.
    /// </summary>
    /// <param name="snapshot">Bars up to and including the cycle's market date; never later ones.</param>
    /// <param name="cancellationToken">Cancelled when the family's time budget runs out.</param>
    ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>The family's own view of its health, read by the heartbeat after each cycle.</summary>
    FamilyHealth Health { get; }
}
