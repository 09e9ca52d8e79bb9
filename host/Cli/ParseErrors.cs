using System.CommandLine;
using System.CommandLine.Invocation;

namespace AlphaHost.Host.Cli;

/// <summary>
/// How a command line that does not parse is reported: one <c>error:</c> line per problem, then System.CommandLine's
/// own suggestions for a mistyped name (<c>'trian' was not matched. Did you mean one of the following?</c>), then where
/// usage is. All on stderr; bad usage exits 2.
/// </summary>
internal static class ParseErrors
{
    public static int Report(ParseResult parsed, TextWriter error)
    {
        foreach (var problem in parsed.Errors)
        {
            error.WriteLine($"error: {problem.Message}");
        }

        // The library's error action is the one place that knows the suggestions; its error lines (already written above,
        // with the prefix every command uses) go nowhere, and it prints no help page.
        if (parsed.Action is ParseErrorAction action)
        {
            action.ShowHelp = false;
            action.ShowTypoCorrections = true;
            using var suggestions = new StringWriter();
            parsed.Invoke(new InvocationConfiguration { Output = suggestions, Error = TextWriter.Null });
            foreach (var line in suggestions.ToString().Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                error.WriteLine(line);
            }
        }

        error.WriteLine("Run 'alphahost --help' for usage.");
        return ExitCodes.BadInput;
    }
}
