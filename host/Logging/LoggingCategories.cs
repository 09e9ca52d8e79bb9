namespace AlphaHost.Host.Logging;

/// <summary>Logger category conventions that decide an event's <c>component</c>.</summary>
internal static class LoggingCategories
{
    /// <summary>Category prefix of the loggers handed to families; the rest of the category is the family name.</summary>
    public const string FamilyPrefix = "AlphaHost.Family.";

    /// <summary>The component property name in every log event.</summary>
    public const string Component = "component";
}
