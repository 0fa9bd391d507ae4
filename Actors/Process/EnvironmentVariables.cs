using System.Collections;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// A process's environment: what POSIX forbids is refused where it is set (EINVAL, as setenv does): an empty
/// name, a name with '=' or NUL, a value with NUL. Every other character goes through fork as it is.
/// </summary>
internal sealed class EnvironmentVariables(IEnumerable<KeyValuePair<string, string>> initial) : IDictionary<string, string>
{
    private readonly Dictionary<string, string> _variables = new(initial, StringComparer.Ordinal);

    public string this[string key]
    {
        get => _variables[key];
        set => _variables[CheckedKey(key)] = CheckedValue(value);
    }

    public ICollection<string> Keys => _variables.Keys;

    public ICollection<string> Values => _variables.Values;

    public int Count => _variables.Count;

    public bool IsReadOnly => false;

    public void Add(string key, string value) => _variables.Add(CheckedKey(key), CheckedValue(value));

    public void Add(KeyValuePair<string, string> item) => Add(item.Key, item.Value);

    public void Clear() => _variables.Clear();

    public bool Contains(KeyValuePair<string, string> item) => ((ICollection<KeyValuePair<string, string>>)_variables).Contains(item);

    public bool ContainsKey(string key) => _variables.ContainsKey(key);

    public void CopyTo(KeyValuePair<string, string>[] array, int arrayIndex) => ((ICollection<KeyValuePair<string, string>>)_variables).CopyTo(array, arrayIndex);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _variables.GetEnumerator();

    public bool Remove(string key) => _variables.Remove(key);

    public bool Remove(KeyValuePair<string, string> item) => ((ICollection<KeyValuePair<string, string>>)_variables).Remove(item);

    public bool TryGetValue(string key, out string value) => _variables.TryGetValue(key, out value!);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static string CheckedKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length == 0 || key.Contains('=') || key.Contains('\0')
            ? throw new PosixException(Errno.EINVAL, "an environment name is non-empty, without '=' and NUL")
            : key;
    }

    private static string CheckedValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Contains('\0') ? throw new PosixException(Errno.EINVAL, "an environment value cannot hold NUL") : value;
    }
}
