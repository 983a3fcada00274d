import "@testing-library/jest-dom/vitest";

// jsdom has no layout: give the virtual list a ResizeObserver that reports nothing.
class NoResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoResizeObserver as unknown as typeof ResizeObserver;
