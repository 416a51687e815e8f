// Results as you type in the header search box (services/search).
