namespace AlphaHost.Host.Configuration;

/// <summary>
/// The <c>alerts:</c> section: where an alert event (governance disable, HALTED, a stalled loop, overdue data, a
/// quarantined family, and each one's recovery) goes. Read on every delivery, so an edit applies to the next event.
/// </summary>
internal sealed record AlertOptions
{
    /// <summary>A shell command (<c>/bin/sh -c</c>) run once per event with the event's JSON on its stdin; empty: none.</summary>
    /// <value>The default value is empty.</value>
    public string Command { get; init; } = "";

    /// <summary>An <c>http://</c> or <c>https://</c> URL the event's JSON is POSTed to; empty: none.</summary>
    /// <value>The default value is empty.</value>
    public string Webhook { get; init; } = "";

    /// <summary>Further tries of a failed delivery (a non-zero exit, an HTTP status other than 2xx, a timeout).</summary>
    /// <value>The default value is 3.</value>
    public int Retries { get; init; } = 3;

    /// <summary>Wait before the first retry; doubles for each further one.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Time one try of the command or the webhook may take.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Events waiting for delivery; beyond it the oldest waiting event is dropped (and that is logged).</summary>
    /// <value>The default value is 100.</value>
    public int QueueSize { get; init; } = 100;

    public bool HasTarget => Command.Length > 0 || Webhook.Length > 0;
}
