namespace Testbed.Engine.Http;

/// <summary>The HTTP versions the server speaks.</summary>
public enum HttpVersion
{
    Http10,
    Http11,
}
