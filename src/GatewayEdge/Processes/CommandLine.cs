using System.Text;

namespace OrleansLive.GatewayEdge.Processes;

/// <summary>
/// Command lines of configured processes: split into argv as a POSIX shell splits words (single and
/// double quotes, backslash escapes; no expansion, pipes or redirections: a command that needs those
/// names /bin/sh -c itself), and SRS-style variables such as [vhost] replaced in each word.
/// </summary>
public static class CommandLine
{
    /// <summary>The words of <paramref name="line"/>; an unclosed quote runs to the end of the line.</summary>
    public static IReadOnlyList<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quote == '\'')
            {
                if (ch == '\'')
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(ch);
                }
            }
            else if (quote == '"')
            {
                if (ch == '"')
                {
                    quote = '\0';
                }
                else if (ch == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$' or '`')
                {
                    word.Append(line[++i]);
                }
                else
                {
                    word.Append(ch);
                }
            }
            else if (char.IsWhiteSpace(ch))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                inWord = true;
                if (ch is '\'' or '"')
                {
                    quote = ch;
                }
                else if (ch == '\\' && i + 1 < line.Length)
                {
                    word.Append(line[++i]);
                }
                else
                {
                    word.Append(ch);
                }
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    /// <summary>Replaces each "[name]" of <paramref name="variables"/> in <paramref name="text"/>; unknown
    /// bracketed words are kept as written.</summary>
    public static string Expand(string text, IReadOnlyDictionary<string, string> variables)
    {
        if (!text.Contains('['))
        {
            return text;
        }
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf('[', i);
            var close = open < 0 ? -1 : text.IndexOf(']', open + 1);
            if (close < 0)
            {
                result.Append(text, i, text.Length - i);
                break;
            }
            result.Append(text, i, open - i);
            var name = text[(open + 1)..close];
            if (variables.TryGetValue(name, out var value))
            {
                result.Append(value);
                i = close + 1;
            }
            else
            {
                result.Append('[');
                i = open + 1;
            }
        }
        return result.ToString();
    }

    /// <summary>Splits, then expands each word (a value with spaces stays one word).</summary>
    public static IReadOnlyList<string> Build(string line, IReadOnlyDictionary<string, string> variables) =>
        Split(line).Select(w => Expand(w, variables)).ToList();
}
