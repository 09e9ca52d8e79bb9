using System.Text;

namespace AlphaHost.Tests.Robustness;

/// <summary>Seeded mutations of a valid text: the inputs of the fuzz loops. Same seed, same inputs.</summary>
internal sealed class Mutator(int seed, IReadOnlyList<string> tokens)
{
    private readonly Random _random = new(seed);

    public string Mutate(string text)
    {
        var result = text;
        var steps = 1 + _random.Next(4);
        for (var i = 0; i < steps; i++)
        {
            result = _random.Next(8) switch
            {
                0 => Flip(result),
                1 => InsertToken(result),
                2 => DeleteSpan(result),
                3 => DuplicateLine(result),
                4 => SwapLines(result),
                5 => Truncate(result),
                6 => ReplaceLineEnd(result),
                _ => RepeatToken(result),
            };
        }

        return result;
    }

    private int Position(string text) => text.Length == 0 ? 0 : _random.Next(text.Length + 1);

    private string Flip(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        var chars = text.ToCharArray();
        var i = _random.Next(chars.Length);
        chars[i] = (char)_random.Next(1, 0x2FF);
        return new string(chars);
    }

    private string InsertToken(string text) => text.Insert(Position(text), tokens[_random.Next(tokens.Count)]);

    private string RepeatToken(string text)
    {
        var token = tokens[_random.Next(tokens.Count)];
        var builder = new StringBuilder();
        for (var i = 0; i < 1 + _random.Next(200); i++)
        {
            builder.Append(token);
        }

        return text.Insert(Position(text), builder.ToString());
    }

    private string DeleteSpan(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        var start = _random.Next(text.Length);
        return text.Remove(start, Math.Min(text.Length - start, 1 + _random.Next(40)));
    }

    private string DuplicateLine(string text)
    {
        var lines = text.Split('\n').ToList();
        var i = _random.Next(lines.Count);
        lines.Insert(i, lines[i]);
        return string.Join('\n', lines);
    }

    private string SwapLines(string text)
    {
        var lines = text.Split('\n');
        var (a, b) = (_random.Next(lines.Length), _random.Next(lines.Length));
        (lines[a], lines[b]) = (lines[b], lines[a]);
        return string.Join('\n', lines);
    }

    private string Truncate(string text) => text[..Position(text)];

    private string ReplaceLineEnd(string text) => text.Replace("\n", _random.Next(3) switch { 0 => "\r\n", 1 => "\r", _ => "\n\n" });
}
