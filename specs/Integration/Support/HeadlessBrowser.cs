using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Testbed.Specs.Integration.Support;

/// <summary>
/// A fact that needs Debian's Chromium. Off CI it skips, saying how to get the browser, when
/// <see cref="HeadlessBrowser.ChromiumPath"/> is missing; on CI (<c>CI</c> set) it always runs, so a missing
/// browser fails the spec instead of hiding it (the test command installs <c>chromium</c>).
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (HeadlessBrowser.MissingReason is { } reason && !HeadlessBrowser.OnCi)
        {
            Skip = reason;
        }
    }
}

/// <summary>
/// Debian's <c>/usr/bin/chromium</c>, headless, driven through Playwright's bundled node driver: no browser is
/// ever downloaded (<c>playwright install</c> is never run) and nothing is fetched from the network. One
/// instance is one browser process with one page; every request the page makes is recorded, and any that is
/// not a local file is aborted before it leaves the machine.
/// </summary>
internal sealed class HeadlessBrowser : IAsyncDisposable
{
    /// <summary>The system browser, from Debian's <c>chromium</c> package.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Launch, navigation and every wait on the page: generous, for a loaded 2-core machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentQueue<string> _pageErrors = new();

    private HeadlessBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        page.Request += (_, request) => _requests.Enqueue(request.Url);
        page.PageError += (_, error) => _pageErrors.Enqueue(error);
    }

    /// <summary>Whether this run is CI's, where a missing browser must fail rather than skip.</summary>
    public static bool OnCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>Why the browser cannot start here, or null when it can.</summary>
    public static string? MissingReason => File.Exists(ChromiumPath)
        ? null
        : $"these specs need Debian's Chromium at {ChromiumPath}: scripts/test.sh installs it, or apt-get install -y chromium";

    /// <summary>The one page.</summary>
    public IPage Page { get; }

    /// <summary>Every URL the page requested, in order, the document itself included.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>Uncaught script errors on the page.</summary>
    public IReadOnlyList<string> PageErrors => [.. _pageErrors];

    /// <summary>The requests that were not for a local file, an inline <c>data:</c> URL or <c>about:</c>.</summary>
    public IReadOnlyList<string> ExternalRequests =>
        [.. Requests.Where(url => !url.StartsWith("file://", StringComparison.Ordinal)
            && !url.StartsWith("data:", StringComparison.Ordinal)
            && !url.StartsWith("about:", StringComparison.Ordinal))];

    /// <summary>Starts the system Chromium headless with one page, <paramref name="width"/> by <paramref name="height"/>.</summary>
    public static async Task<HeadlessBrowser> LaunchAsync(int width = 1280, int height = 900)
    {
        if (MissingReason is { } reason)
        {
            Assert.Fail(reason);
        }

        IPlaywright? playwright = null;
        IBrowser? browser = null;
        try
        {
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
                Timeout = (float)Timeout.TotalMilliseconds,
            });
            var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = width, Height = height },
                Offline = true,
            });
            context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
            context.SetDefaultNavigationTimeout((float)Timeout.TotalMilliseconds);
            // Anything but a local file is refused before it leaves the machine; the Request event still sees it.
            await context.RouteAsync(
                url => !url.StartsWith("file://", StringComparison.Ordinal),
                route => route.AbortAsync("blockedbyclient"));
            var page = await context.NewPageAsync();
            return new HeadlessBrowser(playwright, browser, page);
        }
        catch (PlaywrightException e)
        {
            if (browser is not null)
            {
                await browser.DisposeAsync();
            }

            playwright?.Dispose();
            throw new InvalidOperationException(
                $"Playwright could not start {ChromiumPath} headless (its bundled driver, never a downloaded browser): {e.Message}", e);
        }
    }

    /// <summary>Opens <paramref name="path"/> (a local file) and waits for it to load.</summary>
    public async Task<IPage> OpenAsync(string path)
    {
        var url = new Uri(Path.GetFullPath(path)).AbsoluteUri;
        var response = await Page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        Assert.True(response is null || response.Ok, $"{url} did not load: {response?.Status}");
        return Page;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
