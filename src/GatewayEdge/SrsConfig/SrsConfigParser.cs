using System.Text;

namespace OrleansLive.GatewayEdge.SrsConfig;

/// <summary>
/// Reads SRS's nginx-style configuration into a directive tree: <c>name args;</c>, <c>name args { }</c>,
/// <c>#</c> comments to the end of the line, single- or double-quoted arguments (a backslash escapes
/// the next character inside quotes) and <c>include FILE;</c>, which splices that file's directives in
/// place (a relative name is looked up beside the including file, then in the working directory).
/// </summary>
public static class SrsConfigParser
{
    private const int MaxIncludeDepth = 16;

    /// <summary>The root directive (name "") of <paramref name="file"/>.</summary>
    public static SrsDirective ParseFile(string file)
    {
        var root = new SrsDirective("", [], file, 0);
        root.Children.AddRange(ReadFile(Path.GetFullPath(file), [], "", 0));
        return root;
    }

    /// <summary>The root directive of configuration text; includes are relative to <paramref name="directory"/>.</summary>
    public static SrsDirective ParseText(string text, string source, string directory)
    {
        var root = new SrsDirective("", [], source, 0);
        root.Children.AddRange(new Reader(text, source, directory, []).ReadBlock(topLevel: true));
        return root;
    }

    private static List<SrsDirective> ReadFile(string file, HashSet<string> including, string from, int depth)
    {
        if (!File.Exists(file))
        {
            throw new SrsConfigException(from.Length == 0 ? $"SRS configuration {file} does not exist" : $"{from}: include {file} does not exist");
        }
        if (depth > MaxIncludeDepth || !including.Add(file))
        {
            throw new SrsConfigException($"{from}: include {file} includes itself");
        }
        try
        {
            return new Reader(File.ReadAllText(file), file, Path.GetDirectoryName(file)!, including, depth).ReadBlock(topLevel: true);
        }
        finally
        {
            including.Remove(file);
        }
    }

    private sealed class Reader(string text, string source, string directory, HashSet<string> including, int depth = 0)
    {
        private int _pos;
        private int _line = 1;

        public List<SrsDirective> ReadBlock(bool topLevel)
        {
            var directives = new List<SrsDirective>();
            var words = new List<string>();
            var startLine = 0;
            while (true)
            {
                var (kind, word, line) = Next();
                switch (kind)
                {
                    case Token.Word:
                        if (words.Count == 0)
                        {
                            startLine = line;
                        }
                        words.Add(word);
                        break;
                    case Token.End:
                        if (words.Count == 0)
                        {
                            throw Error(line, "unexpected ';'");
                        }
                        if (words[0] == "include")
                        {
                            directives.AddRange(Include(words, startLine));
                        }
                        else
                        {
                            directives.Add(new SrsDirective(words[0], words[1..], source, startLine));
                        }
                        words.Clear();
                        break;
                    case Token.Open:
                        if (words.Count == 0)
                        {
                            throw Error(line, "'{' without a directive name");
                        }
                        var block = new SrsDirective(words[0], words[1..], source, startLine);
                        block.Children.AddRange(ReadBlock(topLevel: false));
                        directives.Add(block);
                        words.Clear();
                        break;
                    case Token.Close:
                        if (topLevel)
                        {
                            throw Error(line, "unexpected '}'");
                        }
                        if (words.Count > 0)
                        {
                            throw Error(startLine, $"directive '{words[0]}' has no ending ';'");
                        }
                        return directives;
                    case Token.Eof:
                        if (words.Count > 0)
                        {
                            throw Error(startLine, $"directive '{words[0]}' has no ending ';'");
                        }
                        if (!topLevel)
                        {
                            throw Error(line, "unexpected end of file: a block is not closed with '}'");
                        }
                        return directives;
                }
            }
        }

        private List<SrsDirective> Include(List<string> words, int line)
        {
            if (words.Count < 2)
            {
                throw Error(line, "include needs a file name");
            }
            var result = new List<SrsDirective>();
            foreach (var name in words.Skip(1))
            {
                if (name.Length == 0 || name.Contains('\0'))
                {
                    throw Error(line, "include needs a file name without NUL characters");
                }
                var beside = Path.GetFullPath(name, directory);
                var file = File.Exists(beside) || Path.IsPathRooted(name) ? beside : Path.GetFullPath(name);
                result.AddRange(ReadFile(File.Exists(file) ? file : beside, including, $"{source}:{line}", depth + 1));
            }
            return result;
        }

        private (Token Kind, string Word, int Line) Next()
        {
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (c == '\n')
                {
                    _line++;
                    _pos++;
                }
                else if (char.IsWhiteSpace(c))
                {
                    _pos++;
                }
                else if (c == '#')
                {
                    while (_pos < text.Length && text[_pos] != '\n')
                    {
                        _pos++;
                    }
                }
                else
                {
                    break;
                }
            }
            if (_pos >= text.Length)
            {
                return (Token.Eof, "", _line);
            }
            var line = _line;
            switch (text[_pos])
            {
                case ';':
                    _pos++;
                    return (Token.End, "", line);
                case '{':
                    _pos++;
                    return (Token.Open, "", line);
                case '}':
                    _pos++;
                    return (Token.Close, "", line);
                case '"' or '\'':
                    return (Token.Word, Quoted(), line);
            }
            var start = _pos;
            while (_pos < text.Length && !char.IsWhiteSpace(text[_pos]) && text[_pos] is not (';' or '{' or '}'))
            {
                _pos++;
            }
            return (Token.Word, text[start.._pos], line);
        }

        private string Quoted()
        {
            var quote = text[_pos++];
            var line = _line;
            var value = new StringBuilder();
            while (_pos < text.Length)
            {
                var c = text[_pos++];
                if (c == quote)
                {
                    return value.ToString();
                }
                if (c == '\\' && _pos < text.Length)
                {
                    c = text[_pos++];
                }
                if (c == '\n')
                {
                    _line++;
                }
                value.Append(c);
            }
            throw Error(line, $"a string opened with {quote} is not closed");
        }

        private SrsConfigException Error(int line, string message) => new($"{source}:{line}: {message}");
    }

    private enum Token
    {
        Word,
        End,
        Open,
        Close,
        Eof,
    }
}
