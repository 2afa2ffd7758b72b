using System.Collections;
using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Containers.Amf;

/// <summary>
/// An AMF0 object or ECMA array: key/value pairs in wire order with case-sensitive keys.
/// A list rather than a dictionary because RTMP objects are small, order matters to some
/// peers (e.g. onMetaData), and lookups by linear scan beat hashing at these sizes.
/// </summary>
public sealed class AmfObject : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _items;

    public AmfObject() => _items = [];

    public AmfObject(int capacity) => _items = new List<KeyValuePair<string, object?>>(capacity);

    /// <summary>True when this came from (or is written as) an ECMA array rather than an object.</summary>
    public bool IsEcmaArray { get; set; }

    public int Count => _items.Count;

    /// <summary>The value of the first entry with this key, or null when missing.
    /// Setting replaces the first entry with the key, or appends a new one.</summary>
    public object? this[string key]
    {
        get => TryGetValue(key, out var value) ? value : null;
        set
        {
            var i = IndexOf(key);
            if (i >= 0)
            {
                _items[i] = new KeyValuePair<string, object?>(key, value);
            }
            else
            {
                _items.Add(new KeyValuePair<string, object?>(key, value));
            }
        }
    }

    /// <summary>Appends an entry without looking for an existing key, so wire data is kept as sent
    /// (and decoding stays linear even for hostile input with repeated keys).</summary>
    public void Add(string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        _items.Add(new KeyValuePair<string, object?>(key, value));
    }

    public bool TryGetValue(string key, out object? value)
    {
        var i = IndexOf(key);
        if (i >= 0)
        {
            value = _items[i].Value;
            return true;
        }

        value = null;
        return false;
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <summary>Removes every entry with this key; true if any was removed.</summary>
    public bool Remove(string key) => _items.RemoveAll(kv => kv.Key == key) > 0;

    public string? GetString(string key) => this[key] as string;

    public double? GetNumber(string key) => this[key] is double d ? d : null;

    public bool? GetBoolean(string key) => this[key] is bool b ? b : null;

    public List<KeyValuePair<string, object?>>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<KeyValuePair<string, object?>> IEnumerable<KeyValuePair<string, object?>>.GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    private int IndexOf(string key)
    {
        var items = _items;
        for (var i = 0; i < items.Count; i++)
        {
            if (string.Equals(items[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
