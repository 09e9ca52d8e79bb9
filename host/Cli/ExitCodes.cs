namespace AlphaHost.Host.Cli;

/// <summary>The exit codes every command uses.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int CheckFailed = 1;
    public const int BadInput = 2;
}
