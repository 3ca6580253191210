using System.Security.Cryptography;

namespace Social.Domain.Ids;

/// <summary>
/// ULID-style ids: 26 Crockford base32 characters, a 48-bit Unix millisecond time followed by
/// 80 random bits, so that ordinal string order is creation order. Ids made in the same
/// millisecond by this process increase: the random part of the previous id is incremented.
/// </summary>
internal static class SortableId
{
    public const int Length = 26;
    private const int TimeLength = 10;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static readonly long _maxTime = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();
    private static readonly UInt128 _maxRandom = (UInt128.One << 80) - 1;

    private static readonly Lock _gate = new();
    private static long _lastTime = -1;
    private static UInt128 _lastRandom;

    public static string New(DateTimeOffset now)
    {
        var time = now.ToUnixTimeMilliseconds();
        if (time < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(now), now, "Ids cannot be made for times before 1970.");
        }

        UInt128 random;
        lock (_gate)
        {
            if (time == _lastTime && _lastRandom < _maxRandom)
            {
                random = _lastRandom + 1;
            }
            else
            {
                // A new millisecond (or a clock that went back: the caller's time wins, so that
                // the id's time matches the time recorded in the event) starts a fresh random part.
                // On the 2^80 overflow of one millisecond the id moves to the next one.
                if (time == _lastTime)
                {
                    time++;
                }

                random = NewRandom();
            }

            _lastTime = time;
            _lastRandom = random;
        }

        return Encode(time, random);
    }

    /// <summary>
    /// The id for <paramref name="now"/> whose 80 low bits are a hash of <paramref name="seed"/>: the same arguments give
    /// the same id, and different seeds collide no more often than random ids do.
    /// </summary>
    public static string Derive(DateTimeOffset now, string seed)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed), hash);
        return Encode(now.ToUnixTimeMilliseconds(), BitConverter.ToUInt128(hash) & _maxRandom);
    }

    /// <summary>Accepts 26 Crockford base32 characters in either case; returns the canonical upper-case form.</summary>
    public static bool TryParse(string? s, out string canonical)
    {
        canonical = string.Empty;
        if (s is null || s.Length != Length)
        {
            return false;
        }

        Span<char> chars = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            // ASCII only: some non-ASCII letters upper-case to ASCII ones (U+017F to 'S').
            var c = char.IsAscii(s[i]) ? char.ToUpperInvariant(s[i]) : '\0';
            if (Alphabet.IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }

            chars[i] = c;
        }

        // 26 characters hold 130 bits; the id has 128, so the first character is at most 7.
        // The time must also be one that DateTimeOffset can hold, so that CreatedAt never throws.
        if (chars[0] > '7' || DecodeTime(chars) > _maxTime)
        {
            return false;
        }

        canonical = new string(chars);
        return true;
    }

    /// <summary>The creation time of a canonical id (one that <see cref="TryParse"/> accepted).</summary>
    public static DateTimeOffset TimeOf(string canonical) => DateTimeOffset.FromUnixTimeMilliseconds(DecodeTime(canonical));

    private static long DecodeTime(ReadOnlySpan<char> canonical)
    {
        long time = 0;
        for (var i = 0; i < TimeLength; i++)
        {
            time = (time << 5) | (uint)Alphabet.IndexOf(canonical[i]);
        }

        return time;
    }

    private static UInt128 NewRandom()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt128(bytes) & _maxRandom;
    }

    private static string Encode(long time, UInt128 random)
    {
        var value = ((UInt128)(ulong)time << 80) | random;
        return string.Create(Length, value, static (span, v) =>
        {
            for (var i = Length - 1; i >= 0; i--)
            {
                span[i] = Alphabet[(int)(v & 31)];
                v >>= 5;
            }
        });
    }
}
