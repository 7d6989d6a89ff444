// xhr2 ships no type declarations: it exports an XMLHttpRequest class.
declare module "xhr2" {
  const XMLHttpRequest: unknown;
  export default XMLHttpRequest;
}
