using System.Text;

namespace OrleansLive.GatewayEdge.Processes;

/// <summary>
/// The last lines a process wrote to stderr, bounded in lines and characters: a process that floods
/// stderr (or writes one endless line) costs at most <see cref="MaxLines"/> × <see cref="MaxLineChars"/>.
/// Lines end at \n or \r (ffmpeg's progress lines end in \r). Thread-safe.
/// </summary>
public sealed class StderrTail
{
    public const int MaxLines = 32;

    public const int MaxLineChars = 256;

    private readonly Lock _gate = new();
    private readonly Queue<string> _lines = new();
    private readonly StringBuilder _partial = new(MaxLineChars);

    /// <summary>Adds text as read; a line longer than <see cref="MaxLineChars"/> keeps its start. Costs
    /// one scan for line ends per call, and allocates only for the lines it keeps.</summary>
    public void Append(ReadOnlySpan<char> text)
    {
        lock (_gate)
        {
            while (!text.IsEmpty)
            {
                var end = text.IndexOfAny('\n', '\r');
                var piece = end < 0 ? text : text[..end];
                var room = MaxLineChars - _partial.Length;
                if (room > 0)
                {
                    _partial.Append(piece[..Math.Min(room, piece.Length)]);
                }
                if (end < 0)
                {
                    break;
                }
                EndLine();
                text = text[(end + 1)..];
            }
        }
    }

    /// <summary>Adds a whole line (the supervisor's own notes, such as a failed start).</summary>
    public void AppendLine(string line)
    {
        lock (_gate)
        {
            EndLine();
            _partial.Append(line.AsSpan(0, Math.Min(line.Length, MaxLineChars)));
            EndLine();
        }
    }

    /// <summary>The lines so far, oldest first, with an unfinished last line.</summary>
    public IReadOnlyList<string> Lines()
    {
        lock (_gate)
        {
            var lines = _lines.ToList();
            if (_partial.Length > 0)
            {
                lines.Add(_partial.ToString());
            }
            return lines;
        }
    }

    private void EndLine()
    {
        if (_partial.Length == 0)
        {
            return;
        }
        _lines.Enqueue(_partial.ToString());
        _partial.Clear();
        while (_lines.Count > MaxLines)
        {
            _lines.Dequeue();
        }
    }
}
