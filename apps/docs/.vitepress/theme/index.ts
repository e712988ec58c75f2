import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import BackpropDemo from './components/BackpropDemo.vue';
import DrawDigit from './components/DrawDigit.vue';
import MermaidChart from './components/MermaidChart.vue';
import ModelZoo from './components/ModelZoo.vue';
import TrainDemo from './components/TrainDemo.vue';
import './custom.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('BackpropDemo', BackpropDemo);
    app.component('DrawDigit', DrawDigit);
    app.component('TrainDemo', TrainDemo);
    app.component('ModelZoo', ModelZoo);
    app.component('MermaidChart', MermaidChart);
  },
} satisfies Theme;
